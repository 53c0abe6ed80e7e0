if [ "$(docker inspect -f '{{.State.Running}}' site-ro 2>/dev/null)" != true ]; then
  echo "No running container named site-ro yet. Start it with: docker run -d --name site-ro -p 8081:80 -v /root/site:/usr/share/nginx/html:ro nginx"
  exit 1
fi
if ! docker inspect -f '{{range .Mounts}}{{.Destination}}:{{.RW}} {{end}}' site-ro | grep -q '/usr/share/nginx/html:false'; then
  echo "site-ro's mount of /usr/share/nginx/html is not read-only. Remove it (docker rm -f site-ro) and start it again with :ro at the end of the -v option."
  exit 1
fi
