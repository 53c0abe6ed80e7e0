if [ "$(docker inspect -f '{{.State.Running}}' web1 2>/dev/null)" != true ]; then
  echo "No running container named web1 yet. Start it with: docker run -d --name web1 -p 8080:80 nginx"
  exit 1
fi
if ! docker port web1 80/tcp 2>/dev/null | grep -q ':8080$'; then
  echo "web1 does not publish its port 80 as 8080. Remove it (docker rm -f web1) and start it again with -p 8080:80."
  exit 1
fi
for i in $(seq 1 20); do
  curl -fsI localhost:8080 >/dev/null && exit 0
  sleep 0.5
done
echo "Nothing answers on port 8080 of node1 yet."
exit 1
