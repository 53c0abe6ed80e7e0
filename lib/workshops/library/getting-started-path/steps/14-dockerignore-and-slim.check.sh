if ! grep -qx '.git' /root/packlist/.dockerignore 2>/dev/null; then
  echo "/root/packlist/.dockerignore is missing or does not list .git. Click Write file on it."
  exit 1
fi
if ! docker image inspect packlist:v2 >/dev/null 2>&1; then
  echo "There is no image packlist:v2 yet. In /root/packlist, run: docker build -t packlist:v2 ."
  exit 1
fi
if docker run --rm packlist:v2 test -e /app/.git; then
  echo "packlist:v2 still contains /app/.git. Was .dockerignore written before the build? Build again."
  exit 1
fi
