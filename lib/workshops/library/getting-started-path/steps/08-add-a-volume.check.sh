if [ "$(docker inspect -f '{{.State.Running}}' packlist 2>/dev/null)" != true ]; then
  echo "No running container named packlist. Start it with: docker run -d --name packlist -p 3000:3000 -v packlist-data:/data packlist"
  exit 1
fi
if ! docker inspect -f '{{range .Mounts}}{{.Name}}:{{.Destination}} {{end}}' packlist | grep -q 'packlist-data:/data'; then
  echo "The packlist container has no volume packlist-data on /data. Replace it: docker rm -f packlist, then docker run -d --name packlist -p 3000:3000 -v packlist-data:/data packlist"
  exit 1
fi
for i in $(seq 1 30); do
  curl -fs localhost:3000/items >/dev/null && exit 0
  sleep 0.5
done
echo "The container has its volume, but the app does not answer on port 3000 yet. See docker logs packlist."
exit 1
