if [ "$(docker inspect -f '{{.State.Running}}' cache 2>/dev/null)" != true ]; then
  echo "No running container named cache yet. Start it with: docker run -d --name cache -v redisdata:/data redis"
  exit 1
fi
if ! docker inspect -f '{{range .Mounts}}{{.Name}}:{{.Destination}} {{end}}' cache | grep -q 'redisdata:/data'; then
  echo "The cache container has no volume redisdata on /data. Remove it (docker rm -f cache) and start it again with -v redisdata:/data."
  exit 1
fi
for i in $(seq 1 20); do
  [ "$(docker exec cache redis-cli ping 2>/dev/null)" = PONG ] && exit 0
  sleep 0.5
done
echo "The cache container runs, but Redis does not answer yet. Look at docker logs cache."
exit 1
