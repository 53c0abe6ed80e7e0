for image in debian:13 debian:trixie nginx:latest; do
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    echo "The image $image is not on node1 yet. Fetch it with: docker pull $image"
    exit 1
  fi
done
