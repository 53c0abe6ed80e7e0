if [ ! -f /root/packlist/Dockerfile ]; then
  echo "There is no /root/packlist/Dockerfile yet. Click Write file on the Dockerfile."
  exit 1
fi
if ! docker image inspect packlist:latest >/dev/null 2>&1; then
  echo "There is no image called packlist yet. In /root/packlist, run: docker build -t packlist ."
  exit 1
fi
