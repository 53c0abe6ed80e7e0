if docker inspect web >/dev/null 2>&1 || docker inspect copy >/dev/null 2>&1; then
  echo "The containers web and copy still exist. Remove them with: docker rm -f web copy"
  exit 1
fi
if docker image inspect my-nginx:handmade >/dev/null 2>&1; then
  echo "The image my-nginx:handmade is still there. Remove it with: docker image rm my-nginx:handmade"
  exit 1
fi
if docker image inspect debian:trixie >/dev/null 2>&1; then
  echo "The name debian:trixie is still there. Remove it with: docker image rm debian:trixie"
  exit 1
fi
