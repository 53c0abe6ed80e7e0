if [ "$(docker inspect -f '{{.State.Running}}' outsider 2>/dev/null)" != true ]; then
  echo "No running container named outsider yet. Start it with: docker run -d --name outsider busybox sleep 1d"
  exit 1
fi
if [ -z "$(docker inspect -f '{{with index .NetworkSettings.Networks "appnet"}}yes{{end}}' outsider)" ]; then
  echo "outsider is not on appnet yet. Connect it with: docker network connect appnet outsider"
  exit 1
fi
if ! docker exec outsider wget -qO- -T 3 http://backend 2>/dev/null | grep -q nginx; then
  echo "outsider is on appnet but cannot fetch http://backend yet."
  exit 1
fi
