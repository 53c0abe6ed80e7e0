if ! docker image inspect my-nginx:handmade >/dev/null 2>&1; then
  echo "There is no image my-nginx:handmade yet. Make it with: docker container commit web my-nginx:handmade"
  exit 1
fi
if [ "$(docker inspect -f '{{.State.Running}}' copy 2>/dev/null)" != true ]; then
  echo "The image is there. Now start a container from it: docker run -d --name copy -p 8081:80 my-nginx:handmade"
  exit 1
fi
for i in $(seq 1 20); do
  curl -fs localhost:8081/about.html | grep -q 'About this server' && exit 0
  sleep 0.5
done
echo "The copy container does not serve about.html on port 8081. Was it started with -p 8081:80 from my-nginx:handmade?"
exit 1
