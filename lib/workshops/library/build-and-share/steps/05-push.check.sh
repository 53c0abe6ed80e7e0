if ! curl -fs localhost:5000/v2/postcard/tags/list | grep -q '"1.0"'; then
  echo "The registry on node1 has no postcard:1.0 yet. Tag the image as node1:5000/postcard:1.0 and push it with docker push."
  exit 1
fi
