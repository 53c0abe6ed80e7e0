# A pushed image has a digest from the hub among its RepoDigests.
pushed=$(docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' packlist 2>/dev/null | grep '^hub\.playground/[^/]*/packlist@sha256:')
if [ -z "$pushed" ]; then
  echo "The hub has no packlist of yours yet. Tag it with docker tag packlist hub.playground/\$HUB_NAME/packlist:1.0, then docker push hub.playground/\$HUB_NAME/packlist:1.0"
  exit 1
fi
