if [ ! -f /root/postcard/app.py ]; then
  echo "/root/postcard/app.py is missing. Click Write file on the app's code."
  exit 1
fi
if ! grep -qi '^FROM ' /root/postcard/Dockerfile 2>/dev/null; then
  echo "/root/postcard/Dockerfile is missing or has no FROM line. Click Write file on the Dockerfile."
  exit 1
fi
