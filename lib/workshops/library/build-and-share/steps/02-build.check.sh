if ! docker image inspect postcard:1.0 >/dev/null 2>&1; then
  echo "There is no image postcard:1.0 yet. In /root/postcard, run: docker build -t postcard:1.0 ."
  exit 1
fi
