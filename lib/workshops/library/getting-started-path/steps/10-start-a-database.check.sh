if ! docker network inspect packnet >/dev/null 2>&1; then
  echo "There is no network called packnet yet. Create it with: docker network create packnet"
  exit 1
fi
if [ "$(docker inspect -f '{{.State.Running}}' db 2>/dev/null)" != true ]; then
  echo "No running container named db yet. Start it with: docker run -d --name db --network packnet -v packlist-redis:/data redis"
  exit 1
fi
if [ -z "$(docker inspect -f '{{with index .NetworkSettings.Networks "packnet"}}yes{{end}}' db)" ]; then
  echo "The db container is not on packnet. Remove it (docker rm -f db) and start it again with --network packnet."
  exit 1
fi
for i in $(seq 1 20); do
  [ "$(docker exec db redis-cli ping 2>/dev/null)" = PONG ] && exit 0
  sleep 0.5
done
echo "The db container runs, but Redis does not answer yet. See docker logs db."
exit 1
