if ! docker volume inspect packlist-data >/dev/null 2>&1; then
  echo "The volume packlist-data is missing. Go back one step."
  exit 1
fi
if ! docker run --rm -v packlist-data:/data:ro busybox grep -q '"' /data/items.json 2>/dev/null; then
  echo "There is no item in the packlist-data volume yet. Add one: curl -s -d item=tent localhost:3000/items"
  exit 1
fi
