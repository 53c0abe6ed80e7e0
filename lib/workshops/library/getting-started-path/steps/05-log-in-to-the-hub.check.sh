if ! grep -q '"hub.playground"' /root/.docker/config.json 2>/dev/null; then
  echo "node1 is not logged in to the hub yet. Pick a name and log in: echo PASSWORD | docker login hub.playground -u NAME --password-stdin"
  exit 1
fi
