if [ "$(docker inspect -f '{{.State.Running}}' client 2>/dev/null)" != true ]; then
  echo "No running container named client yet. Start it with: docker run -d --name client --network appnet busybox sleep 1d"
  exit 1
fi
if ! docker exec client wget -qO- -T 3 http://backend 2>/dev/null | grep -q nginx; then
  echo "client cannot fetch http://backend. Is client on the appnet network (--network appnet)?"
  exit 1
fi
