if [ "$(docker inspect -f '{{.State.Running}}' packlist 2>/dev/null)" != true ]; then
  echo "No running container named packlist on node2 yet. On node2, run: docker run -d --name packlist -p 3000:3000 hub.playground/YOUR-NAME/packlist:1.0"
  exit 1
fi
if ! docker inspect -f '{{.Config.Image}}' packlist | grep -q '^hub\.playground/[^/]*/packlist:1\.0$'; then
  echo "The packlist container on node2 does not run your image from the hub. Remove it (docker rm -f packlist) and start it from hub.playground/YOUR-NAME/packlist:1.0."
  exit 1
fi
for i in $(seq 1 30); do
  curl -fs localhost:3000/items >/dev/null && exit 0
  sleep 0.5
done
echo "The container runs on node2, but the app does not answer on port 3000. Did you add -p 3000:3000?"
exit 1
