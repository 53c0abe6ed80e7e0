if [ "$(docker inspect -f '{{.State.Running}}' web 2>/dev/null)" != true ]; then
  echo "No running container named web yet. Start it with: docker run -d --name web -p 8080:80 nginx"
  exit 1
fi
changes=$(docker diff web)
for want in "C /usr/share/nginx/html/index.html" "A /usr/share/nginx/html/about.html" "D /etc/motd"; do
  if ! grep -qx "$want" <<<"$changes"; then
    echo "docker diff web does not show '$want' yet. Run the three docker exec commands of this step."
    exit 1
  fi
done
