if [ -z "$(docker ps -a -q --filter ancestor=hello-world)" ]; then
  echo "No container has been made from the hello-world image yet. Run: docker run hello-world"
  exit 1
fi
