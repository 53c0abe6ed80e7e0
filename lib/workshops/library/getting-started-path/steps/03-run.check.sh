if [ "$(docker inspect -f '{{.State.Running}}' packlist 2>/dev/null)" != true ]; then
  echo "No running container named packlist yet. Start it with: docker run -d --name packlist -p 3000:3000 packlist"
  exit 1
fi
for i in $(seq 1 30); do
  curl -fs localhost:3000/items >/dev/null && exit 0
  sleep 0.5
done
echo "The packlist container runs, but the app does not answer on port 3000 of node1. Did you add -p 3000:3000? See docker logs packlist."
exit 1
