for i in $(seq 1 30); do
  page=$(curl -fs localhost:8000) && break
  sleep 0.5
done
if ! grep -q '^Tea, coffee, or both?' <<<"$page"; then
  echo "The page on port 8000 does not start with 'Tea, coffee, or both?' yet. Change TITLE in app.py, then run docker compose up -d --build."
  exit 1
fi
if ! grep -q '^coffee: [1-9]' <<<"$page"; then
  echo "The new version runs, but the coffee votes are gone. Was redis kept on its volume?"
  exit 1
fi
