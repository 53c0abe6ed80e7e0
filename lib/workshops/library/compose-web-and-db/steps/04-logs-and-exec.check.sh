redis=$(docker ps -q --filter label=com.docker.compose.project=votes --filter label=com.docker.compose.service=redis | head -n 1)
if [ -z "$redis" ]; then
  echo "The redis service of the votes project is not running. In /root/votes, run: docker compose up -d"
  exit 1
fi
n=$(docker exec "$redis" redis-cli get votes:coffee 2>/dev/null)
if ! [ "${n:-0}" -ge 1 ] 2>/dev/null; then
  echo "There is no vote for coffee yet. Run: curl -s localhost:8000/vote/coffee"
  exit 1
fi
