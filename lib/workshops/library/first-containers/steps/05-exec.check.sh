for i in $(seq 1 10); do
  curl -fs localhost:8080 | grep -q 'Hello from inside the container' && exit 0
  sleep 0.3
done
echo "The page on port 8080 does not say 'Hello from inside the container' yet. Change index.html with the docker exec command from this step."
exit 1
