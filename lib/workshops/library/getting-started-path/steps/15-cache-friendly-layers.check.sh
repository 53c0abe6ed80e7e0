if ! docker image inspect packlist:v3 >/dev/null 2>&1; then
  echo "There is no image packlist:v3 yet. In /root/packlist, run: docker build -t packlist:v3 ."
  exit 1
fi
if ! docker history --no-trunc --format '{{.CreatedBy}}' packlist:v3 | grep -q 'npm ci'; then
  echo "packlist:v3 has no npm ci step. Write the new Dockerfile of this step and build again."
  exit 1
fi
if ! docker run --rm packlist:v3 grep -q 'Our packing list' /app/src/server.js; then
  echo "packlist:v3 does not have the new title yet. Change src/server.js with the sed command and build packlist:v3 again."
  exit 1
fi
