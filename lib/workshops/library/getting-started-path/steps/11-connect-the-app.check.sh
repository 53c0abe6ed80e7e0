if [ "$(docker inspect -f '{{.State.Running}}' packlist 2>/dev/null)" != true ]; then
  echo "No running container named packlist. Start it with: docker run -d --name packlist --network packnet -p 3000:3000 -e REDIS_HOST=db packlist"
  exit 1
fi
if ! docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' packlist | grep -qx 'REDIS_HOST=db'; then
  echo "The packlist container has no REDIS_HOST=db. Replace it and add -e REDIS_HOST=db."
  exit 1
fi
if [ -z "$(docker inspect -f '{{with index .NetworkSettings.Networks "packnet"}}yes{{end}}' packlist)" ]; then
  echo "The packlist container is not on packnet, so it cannot find db. Replace it and add --network packnet."
  exit 1
fi
for i in $(seq 1 30); do
  curl -fs localhost:3000/items >/dev/null && exit 0
  sleep 0.5
done
echo "The app does not answer on port 3000, or it cannot reach Redis. See docker logs packlist."
exit 1
