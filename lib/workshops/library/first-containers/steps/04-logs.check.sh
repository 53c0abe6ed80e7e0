if ! docker logs web 2>&1 | grep -q 'GET /hello-logs'; then
  echo "nginx has not logged a request for /hello-logs yet. Run: curl -s localhost:8080/hello-logs"
  exit 1
fi
