if [ "$(docker inspect -f '{{.State.Running}}' postcard 2>/dev/null)" != true ]; then
  echo "No running container named postcard on node2 yet. On node2, run: docker run -d --name postcard -p 8000:8000 node1:5000/postcard:1.0"
  exit 1
fi
if [ "$(docker inspect -f '{{.Config.Image}}' postcard)" != node1:5000/postcard:1.0 ]; then
  echo "The postcard container on node2 does not run node1:5000/postcard:1.0. Remove it (docker rm -f postcard) and start it from that image."
  exit 1
fi
for i in $(seq 1 20); do
  curl -fs localhost:8000 | grep -q 'Sent from' && exit 0
  sleep 0.5
done
echo "The container runs on node2, but nothing answers on its port 8000. Did you add -p 8000:8000?"
exit 1
