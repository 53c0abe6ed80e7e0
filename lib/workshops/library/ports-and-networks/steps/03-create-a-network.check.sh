if ! docker network inspect appnet >/dev/null 2>&1; then
  echo "There is no network called appnet yet. Create it with: docker network create appnet"
  exit 1
fi
if [ "$(docker inspect -f '{{.State.Running}}' backend 2>/dev/null)" != true ]; then
  echo "No running container named backend yet. Start it with: docker run -d --name backend --network appnet nginx"
  exit 1
fi
if [ -z "$(docker inspect -f '{{with index .NetworkSettings.Networks "appnet"}}yes{{end}}' backend)" ]; then
  echo "backend is not on the appnet network. Remove it (docker rm -f backend) and start it again with --network appnet."
  exit 1
fi
