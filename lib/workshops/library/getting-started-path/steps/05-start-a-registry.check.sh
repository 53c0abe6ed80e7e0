for i in $(seq 1 20); do
  curl -fs localhost:5000/v2/_catalog | grep -q repositories && exit 0
  sleep 0.5
done
echo "No registry answers on port 5000 of node1. Start it with: docker run -d --name registry -p 5000:5000 registry:2"
exit 1
