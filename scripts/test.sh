#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (see
# setup.sh, plus Debian's Chromium for the browser tests), then runs lint,
# typecheck, unit, integration and end-to-end tests, and prints one summary.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

# Session networks that test servers left behind (a server stopped while the engine was still
# making a pooled session's network): on the host's engine, one in SESSION_SUBNETS would stop the
# playground engine's start. Only test instances' networks with no container in them go.
sweep_test_networks() {
  local engine=$1 n
  DOCKER_HOST=$engine docker info >/dev/null 2>&1 || return 0
  for n in $(DOCKER_HOST=$engine docker network ls --filter label=playground.instance --format '{{.Name}}'); do
    case $n in playground-test-*) ;; *) continue ;; esac
    [ "$(DOCKER_HOST=$engine docker network inspect -f '{{range $id, $c := .Containers}}{{if and (ne $c.Name "playground-registry") (ne $c.Name "playground-npm-cache") (ne $c.Name "playground-apt-cache")}}x{{end}}{{end}}' "$n" 2>/dev/null)" = "" ] || continue
    DOCKER_HOST=$engine docker network disconnect -f "$n" playground-registry >/dev/null 2>&1 || true
    DOCKER_HOST=$engine docker network disconnect -f "$n" playground-npm-cache >/dev/null 2>&1 || true
    DOCKER_HOST=$engine docker network disconnect -f "$n" playground-apt-cache >/dev/null 2>&1 || true
    DOCKER_HOST=$engine docker network rm "$n" >/dev/null 2>&1 && echo "[test] removed $n, left by an earlier test server" >&2 || true
  done
}
if command -v docker >/dev/null; then
  sweep_test_networks unix:///var/run/docker.sock
  sweep_test_networks "unix://${PLAYGROUND_ENGINE_SOCKET:-/run/playground/engine.sock}"
fi

# Tests send nothing beyond this machine: the package caches serve only what setup seeded.
export NPM_CACHE_UPSTREAM=${NPM_CACHE_UPSTREAM:-none}
export APT_CACHE_UPSTREAM=${APT_CACHE_UPSTREAM:-none}
# The host's own engine too: the compose test deploys the app there, beside the playground engine.
bash scripts/setup.sh --build --host-engine
# Every test, and every server a test starts, uses the engine the nodes run on.
if [ "${NODE_ISOLATION:-userns}" = userns ] && [ -z "${DOCKER_HOST:-}" ]; then
  export DOCKER_HOST=unix://${PLAYGROUND_ENGINE_SOCKET:-/run/playground/engine.sock}
fi

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[test] installing Debian's chromium for the browser tests" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/tmp/playground-apt.log 2>&1 \
      || { apt-get update -q >>/tmp/playground-apt.log 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>/tmp/playground-apt.log 2>&1; } \
      || { echo "[test] error: installing chromium failed; see /tmp/playground-apt.log" >&2; exit 1; }
  else
    echo "[test] error: the browser tests need Chromium at /usr/bin/chromium (Debian: apt-get install chromium)" >&2
    exit 1
  fi
fi

# tests/integration/compose.test.ts deploys with Docker Compose: the v2 plugin,
# or where there is none, Debian's docker-compose package (v1.29 on Debian 12).
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[test] installing Debian's docker-compose for the compose test" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose >/tmp/playground-apt.log 2>&1 \
      || { apt-get update -q >>/tmp/playground-apt.log 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose >>/tmp/playground-apt.log 2>&1; } \
      || { echo "[test] error: installing docker-compose failed; see /tmp/playground-apt.log" >&2; exit 1; }
  else
    echo "[test] warning: no docker compose: the compose test will be skipped" >&2
  fi
fi

results=$(mktemp -d)
failed_steps=()
# step NAME COMMAND...: runs every step even after a failure, so that one run shows everything.
step() {
  local name=$1; shift
  echo; echo "=== $name"
  "$@" || failed_steps+=("$name")
}

step lint npx eslint . --max-warnings=0
step typecheck npx tsc --noEmit
step "unit tests" npx tsx --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$results/unit.tap" tests/unit/*.test.ts
step "integration tests (real Docker engine)" npx tsx --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$results/integration.tap" tests/integration/*.test.ts
step "end-to-end tests (Chromium)" env PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" \
  npx playwright test --reporter=list,json

# A short smoke on NODE_ISOLATION=none, on the host's own engine: sessions,
# the disk keeper's disks, and the user namespace tests (skipped there, with
# their reason). Its images are copied from the playground engine, and its
# registry serves busybox, debian and hello-world only.
smoke_none() {
  local host=unix:///var/run/docker.sock image
  for image in playground/debian:trixie playground/sandbox:latest playground/registry:latest playground/catalog-busybox:latest \
    playground/catalog-debian:latest playground/catalog-hello-world:latest; do
    [ "$(docker image inspect -f '{{.Id}}' "$image")" = "$(DOCKER_HOST=$host docker image inspect -f '{{.Id}}' "$image" 2>/dev/null)" ] && continue
    echo "[test] copying $image to the host's engine"
    docker save "$image" | DOCKER_HOST=$host docker load -q >/dev/null || return 1
  done
  DOCKER_HOST=$host PLAYGROUND_CATALOG="busybox debian hello-world" PLAYGROUND_NPM_CACHE=no PLAYGROUND_APT_CACHE=no bash sandbox/build.sh || return 1
  # Session networks here are bridges of the host: out of the range the host routes to the playground engine.
  NODE_ISOLATION=none DOCKER_HOST=$host SESSION_SUBNETS=10.214.0.0/16 PLAYGROUND_NPM_CACHE=no PLAYGROUND_APT_CACHE=no npx tsx --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$results/smoke-none.tap" \
    tests/integration/sessions.test.ts tests/integration/disk.test.ts tests/integration/userns.test.ts
}
if [ "${NODE_ISOLATION:-userns}" = userns ]; then
  step "smoke on NODE_ISOLATION=none (the host's engine)" smoke_none
fi

node scripts/summary.mjs "$results" "${failed_steps[@]}"
