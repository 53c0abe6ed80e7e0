if [ -n "$(docker ps -aq --filter label=com.docker.compose.project=votes)" ]; then
  echo "Containers of the votes project still exist. In /root/votes, run: docker compose down --volumes"
  exit 1
fi
if docker volume inspect votes_redis-data >/dev/null 2>&1; then
  echo "The containers are gone but the volume votes_redis-data is still there. Run: docker compose down --volumes"
  exit 1
fi
