if [ "$(docker inspect -f '{{.State.Running}}' postcard 2>/dev/null)" != true ]; then
  echo "No running container named postcard yet. Start it with: docker run -d --name postcard -p 8000:8000 postcard:1.0"
  exit 1
fi
for i in $(seq 1 20); do
  curl -fs localhost:8000 | grep -q 'Sent from' && exit 0
  sleep 0.5
done
echo "The postcard container runs, but nothing answers on port 8000 of node1. Did you add -p 8000:8000?"
exit 1
