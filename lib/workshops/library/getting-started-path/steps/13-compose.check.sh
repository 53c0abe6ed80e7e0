for s in app db; do
  if [ -z "$(docker ps -q --filter label=com.docker.compose.project=packlist --filter label=com.docker.compose.service=$s)" ]; then
    echo "The $s service of the packlist project is not running. In /root/packlist, run: docker compose up -d --build"
    exit 1
  fi
done
for i in $(seq 1 30); do
  curl -fs localhost:3000/items >/dev/null && exit 0
  sleep 0.5
done
echo "The services run, but the app does not answer on port 3000 yet. See docker compose logs app."
exit 1
