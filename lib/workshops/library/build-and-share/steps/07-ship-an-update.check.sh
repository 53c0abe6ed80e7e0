if [ "$(docker inspect -f '{{.Config.Image}}' postcard 2>/dev/null)" != node1:5000/postcard:1.1 ]; then
  echo "The postcard container on node2 does not run node1:5000/postcard:1.1 yet. Build and push 1.1 on node1, then replace the container on node2."
  exit 1
fi
for i in $(seq 1 20); do
  curl -fs localhost:8000 | grep -q 'Version 1.1' && exit 0
  sleep 0.5
done
echo "node2's postcard container does not answer with the new message on port 8000. Did you change app.py before building 1.1?"
exit 1
