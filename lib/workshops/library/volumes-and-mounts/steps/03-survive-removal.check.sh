if [ "$(docker inspect -f '{{.State.Running}}' cache2 2>/dev/null)" != true ]; then
  echo "No running container named cache2 yet. Start it with: docker run -d --name cache2 -v redisdata:/data redis"
  exit 1
fi
for i in $(seq 1 20); do
  [ "$(docker exec cache2 redis-cli get greeting 2>/dev/null)" = "hello from a volume" ] && exit 0
  sleep 0.5
done
echo "cache2 does not know the greeting. Did you run redis-cli save in cache before removing it, and start cache2 with -v redisdata:/data?"
exit 1
