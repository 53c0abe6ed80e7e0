#!/bin/bash
# The npm cache's own command, run in its container (scripts/cache.sh calls it):
#   npm-cache serve           Verdaccio on port 4873 for every session (the CMD)
#   npm-cache seed [SPEC...]  fetch packages and everything they depend on into
#                             the cache, with the manifests under /tmp/npm-seed/*/
#                             (package.json files) and the SPECs (npm install's
#                             forms: express, express@4, @scope/name@^1)
#   npm-cache status          how many packages it holds, and their size
# NPM_CACHE_UPSTREAM is where missing packages come from: empty for npm's
# default registry (read at build time), `none` for no upstream at all (the
# tests, a classroom that must never reach out). Seeding always has one.
set -euo pipefail

data=/var/lib/npm-cache
verdaccio=/opt/verdaccio/node_modules/.bin/verdaccio
default_upstream=$(cat /etc/npm-cache-upstream)
# The host's CA bundle, when setup copied one in (a TLS-inspecting proxy's CA).
[ -s /etc/npm-cache/host-roots.crt ] && export NODE_EXTRA_CA_CERTS=/etc/npm-cache/host-roots.crt

say() { echo "[npm-cache] $*" >&2; }

# config UPSTREAM: Verdaccio's settings; anyone may install, nobody may publish.
config() {
  cat <<YAML
storage: $data/storage
web:
  enable: false
auth:
  htpasswd:
    file: $data/htpasswd
    max_users: -1
YAML
  if [ -n "$1" ]; then
    cat <<YAML
uplinks:
  upstream:
    url: $1
    timeout: 20s
    max_fails: 2
    fail_timeout: 2m
YAML
  fi
  cat <<YAML
packages:
  '**':
    access: \$all
    publish: playground-nobody
    unpublish: playground-nobody
${1:+    proxy: upstream}
log:
  type: stdout
  format: pretty
  level: warn
YAML
}

upstream() {
  case ${NPM_CACHE_UPSTREAM:-} in
    none) echo "" ;;
    "") echo "$default_upstream" ;;
    *) echo "$NPM_CACHE_UPSTREAM" ;;
  esac
}

# wait_http PORT: until Verdaccio answers there.
wait_http() {
  for _ in $(seq 1 200); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/-/ping" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

serve() {
  mkdir -p "$data/storage" /run/npm-cache
  config "$(upstream)" > /run/npm-cache/config.yaml
  say "serving $( [ -n "$(upstream)" ] && echo "with $(upstream) upstream" || echo "offline: no upstream")"
  exec "$verdaccio" --config /run/npm-cache/config.yaml --listen 0.0.0.0:4873
}

seed() {
  local up=${NPM_CACHE_UPSTREAM:-}
  [ -z "$up" ] || [ "$up" = none ] && up=$default_upstream
  mkdir -p "$data/storage" /run/npm-cache
  config "$up" > /run/npm-cache/seed.yaml
  "$verdaccio" --config /run/npm-cache/seed.yaml --listen 127.0.0.1:4874 >/tmp/npm-seed.log 2>&1 &
  local seeder=$! status=0 dir
  # shellcheck disable=SC2064 # the pid now: the variable is gone when the trap runs
  trap "kill $seeder 2>/dev/null || true" EXIT
  wait_http 4874 || { cat /tmp/npm-seed.log >&2; say "error: the seeding Verdaccio did not start"; exit 1; }
  local npm_args=(--registry=http://127.0.0.1:4874/ --ignore-scripts --no-audit --no-fund
    --package-lock=false --loglevel=error --cache=/tmp/npm-seed-cache)
  # npm and yarn each: where their choices of a version differ, both are kept.
  local yarn_args=(--registry http://127.0.0.1:4874/ --ignore-scripts --no-lockfile --non-interactive
    --cache-folder /tmp/npm-seed-cache/yarn)
  for dir in /tmp/npm-seed/*/; do
    [ -f "$dir/package.json" ] || continue
    say "fetching what $(cat "$dir/.source" 2>/dev/null || echo "$dir") depends on"
    (cd "$dir" && node /opt/npm/bin/npm-cli.js install "${npm_args[@]}" >/dev/null && rm -rf node_modules && /opt/yarn/bin/yarn install "${yarn_args[@]}" >/dev/null) || status=1
  done
  if [ $# -gt 0 ]; then
    say "fetching $*"
    rm -rf /tmp/npm-seed-specs && mkdir -p /tmp/npm-seed-specs
    (cd /tmp/npm-seed-specs && echo '{"private":true}' > package.json && node /opt/npm/bin/npm-cli.js install "${npm_args[@]}" "$@" >/dev/null && rm -rf node_modules && /opt/yarn/bin/yarn add "${yarn_args[@]}" "$@" >/dev/null) || status=1
  fi
  rm -rf /tmp/npm-seed /tmp/npm-seed-specs /tmp/npm-seed-cache
  [ "$status" = 0 ] || { say "error: some packages could not be fetched from $up (above)"; exit 1; }
  status_line
}

status_line() {
  local count size
  count=$(find "$data/storage" -name package.json -not -path '*/node_modules/*' 2>/dev/null | wc -l)
  size=$(du -sh "$data/storage" 2>/dev/null | cut -f1)
  say "the cache holds $count packages ($size)"
}

case ${1:-} in
  serve) serve ;;
  seed) shift; seed "$@" ;;
  status) status_line ;;
  *) say "usage: npm-cache serve | seed [SPEC...] | status"; exit 2 ;;
esac
