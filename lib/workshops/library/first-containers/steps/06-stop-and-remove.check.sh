if docker inspect web >/dev/null 2>&1; then
  echo "The container named web still exists. Stop it with docker stop web, then remove it with docker rm web."
  exit 1
fi
if [ -n "$(docker ps -a -q --filter ancestor=hello-world)" ]; then
  echo "Stopped hello-world containers are still there. Remove them with: docker container prune -f"
  exit 1
fi
