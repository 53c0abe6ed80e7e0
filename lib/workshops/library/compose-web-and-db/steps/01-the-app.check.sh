for f in app.py Dockerfile; do
  if [ ! -f "/root/votes/$f" ]; then
    echo "/root/votes/$f is missing. Click its Write file button."
    exit 1
  fi
done
