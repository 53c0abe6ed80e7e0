if [ "$(docker inspect -f '{{.State.Running}}' db 2>/dev/null)" != true ]; then
  echo "The db container is not running. Start it again as in step 10."
  exit 1
fi
n=$(docker exec db redis-cli llen items 2>/dev/null)
if ! [ "${n:-0}" -ge 1 ] 2>/dev/null; then
  echo "Redis holds no item yet. Add one: curl -s -d item=passport localhost:3000/items"
  exit 1
fi
