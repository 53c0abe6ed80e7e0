if ! curl -fs localhost:5000/v2/packlist/tags/list | grep -q '"1.0"'; then
  echo "The registry on node1 has no packlist:1.0 yet. Tag it with docker tag packlist node1:5000/packlist:1.0, then docker push node1:5000/packlist:1.0"
  exit 1
fi
