if ! docker image inspect packlist:v4 >/dev/null 2>&1; then
  echo "There is no image packlist:v4 yet. In /root/packlist, run: docker build -t packlist:v4 ."
  exit 1
fi
if [ "$(docker image inspect -f '{{.Config.User}}' packlist:v4)" != node ]; then
  echo "packlist:v4 does not run as the node user. Write the Dockerfile of this step (with USER node) and build again."
  exit 1
fi
app=$(docker ps -q --filter label=com.docker.compose.project=packlist --filter label=com.docker.compose.service=app | head -n 1)
if [ -z "$app" ] || [ "$(docker inspect -f '{{.Config.User}}' "$app")" != node ]; then
  echo "The Compose app still runs the old image. In /root/packlist, run: docker compose up -d --build"
  exit 1
fi
for i in $(seq 1 30); do
  curl -fs localhost:3000/items >/dev/null && exit 0
  sleep 0.5
done
echo "The app runs as node but does not answer on port 3000. See docker compose logs app."
exit 1
