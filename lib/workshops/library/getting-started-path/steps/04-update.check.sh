if [ "$(docker inspect -f '{{.State.Running}}' packlist 2>/dev/null)" != true ]; then
  echo "No running container named packlist. Start one from the new image: docker run -d --name packlist -p 3000:3000 packlist"
  exit 1
fi
if ! docker exec packlist grep -q 'Your bag is empty' /app/src/server.js 2>/dev/null; then
  echo "The packlist container still runs the old code. Change src/server.js, rebuild with docker build -t packlist . and replace the container."
  exit 1
fi
