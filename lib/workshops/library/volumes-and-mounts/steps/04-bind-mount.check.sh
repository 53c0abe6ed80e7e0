if [ "$(docker inspect -f '{{.State.Running}}' site 2>/dev/null)" != true ]; then
  echo "No running container named site yet. Start it with: docker run -d --name site -p 8080:80 -v /root/site:/usr/share/nginx/html nginx"
  exit 1
fi
if ! docker inspect -f '{{range .Mounts}}{{.Type}}:{{.Source}}:{{.Destination}} {{end}}' site | grep -q 'bind:/root/site:/usr/share/nginx/html'; then
  echo "The site container does not mount /root/site on /usr/share/nginx/html. Remove it (docker rm -f site) and start it again with -v /root/site:/usr/share/nginx/html."
  exit 1
fi
for i in $(seq 1 20); do
  curl -fs localhost:8080 | grep -q 'Edited on node1' && exit 0
  sleep 0.5
done
echo "The page on port 8080 does not show the line 'Edited on node1' yet. Add it to /root/site/index.html on node1."
exit 1
