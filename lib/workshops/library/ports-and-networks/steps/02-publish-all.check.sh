if [ "$(docker inspect -f '{{.State.Running}}' web2 2>/dev/null)" != true ]; then
  echo "No running container named web2 yet. Start it with: docker run -d --name web2 -P nginx"
  exit 1
fi
if [ -z "$(docker port web2 80/tcp 2>/dev/null)" ]; then
  echo "web2 publishes no port. Remove it (docker rm -f web2) and start it again with -P."
  exit 1
fi
