cd /root/votes 2>/dev/null || { echo "The folder /root/votes is missing."; exit 1; }
if [ ! -f compose.yaml ]; then
  echo "/root/votes/compose.yaml is missing. Click its Write file button."
  exit 1
fi
services=$(docker compose config --services 2>&1) || { echo "Compose cannot read compose.yaml: $services"; exit 1; }
for s in web redis; do
  if ! grep -qx "$s" <<<"$services"; then
    echo "compose.yaml has no service called $s."
    exit 1
  fi
done
