for s in web redis; do
  if [ -z "$(docker ps -q --filter label=com.docker.compose.project=votes --filter label=com.docker.compose.service=$s)" ]; then
    echo "The $s service of the votes project is not running. In /root/votes, run: docker compose up -d"
    exit 1
  fi
done
for i in $(seq 1 30); do
  curl -fs localhost:8000 | grep -q '^tea:' && exit 0
  sleep 0.5
done
echo "The containers run, but the app does not answer on port 8000 yet. Look at docker compose logs web."
exit 1
