if [ "$(docker inspect -f '{{.State.Running}}' web 2>/dev/null)" != true ]; then
  echo "There is no running container named web yet. Start one with: docker run -d --name web -p 8080:80 nginx"
  exit 1
fi
if ! docker inspect -f '{{.Config.Image}}' web | grep -q '^nginx'; then
  echo "The container named web does not run the nginx image. Remove it (docker rm -f web) and start it again from nginx."
  exit 1
fi
for i in $(seq 1 20); do
  curl -fs -o /dev/null localhost:8080 && exit 0
  sleep 0.5
done
echo "The web container runs, but nothing answers on port 8080 of node1. Did you add -p 8080:80?"
exit 1
