#!/usr/bin/env bash
# Makes this machine ready to serve the playground, installing what is
# missing: the Node packages, a Docker engine (Debian's docker.io, when run as
# root on Debian or Ubuntu), the sandbox images and the registry.
#   scripts/setup.sh                everything the server needs
#   scripts/setup.sh --build        and the production build of the web app
#   scripts/setup.sh --host-engine  (with --build or alone) the host's own engine too, for
#                                   a compose deployment beside the playground engine
# With NODE_ISOLATION=userns (the default), nodes and their images live on the
# playground engine (sandbox/engine.sh), which this starts as root; with
# NODE_ISOLATION=none, on the host's engine.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

export NEXT_TELEMETRY_DISABLED=1

is_root() { [ "$(id -u)" = 0 ]; }
can_apt() { is_root && command -v apt-get >/dev/null; }
apt_install() {
  say "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/tmp/playground-apt.log 2>&1 || {
    apt-get update -q >>/tmp/playground-apt.log 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>/tmp/playground-apt.log 2>&1
  } || die "apt-get install $* failed; see /tmp/playground-apt.log"
}

ensure_node_packages() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing Node packages"
    # Not `npm ci`: some registries leave other platforms' optional packages
    # (Next's and Tailwind's native builds) out of the lock file, and npm ci
    # then refuses it. npm install keeps the locked versions all the same.
    npm install --no-audit --no-fund --loglevel=error
  fi
}

engine_answers() { command -v docker >/dev/null && timeout 10 docker version >/dev/null 2>&1; }

no_engine_help() {
  die "no Docker engine answers${DOCKER_HOST:+ at DOCKER_HOST=$DOCKER_HOST}.
  Install Docker Engine 20.10 or newer and start it, then run this again:
    Debian/Ubuntu:  sudo apt-get install docker.io && sudo systemctl start docker
    other systems:  see Docker's install guide for your distribution
  The user running the playground must be allowed to use it (e.g. be in the 'docker' group),
  or set DOCKER_HOST to an engine it can reach."
}

ensure_engine() {
  DOCKER_HOST=${host_docker_host:-} engine_answers && return
  [ -z "${DOCKER_HOST:-}" ] && can_apt || no_engine_help
  command -v dockerd >/dev/null && command -v docker >/dev/null || apt_install docker.io
  if [ -d /run/systemd/system ] && systemctl start docker 2>/dev/null; then
    say "started the docker service"
  else
    say "starting dockerd (log: /var/log/playground-dockerd.log)"
    setsid nohup dockerd >/var/log/playground-dockerd.log 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 60); do DOCKER_HOST=${host_docker_host:-} engine_answers && return; sleep 0.5; done
  die "dockerd did not answer within 30 s; see /var/log/playground-dockerd.log"
}

isolation=${NODE_ISOLATION:-userns}
engine_socket=${PLAYGROUND_ENGINE_SOCKET:-/run/playground/engine.sock}
host_docker_host=${DOCKER_HOST:-}

# The playground engine (NODE_ISOLATION=userns): every later docker command here uses it.
ensure_playground_engine() {
  if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != "unix://$engine_socket" ]; then
    say "NODE_ISOLATION=userns with DOCKER_HOST=$DOCKER_HOST: using that engine, which must remap user namespaces"
    engine_answers || no_engine_help
    return
  fi
  export DOCKER_HOST=unix://$engine_socket
  # As root, start it even when it answers: that installs the current runtime wrapper (engine-runc.sh).
  engine_answers && ! is_root && return
  is_root || die "the playground engine does not answer at $engine_socket, and starting it needs root:
    sudo bash sandbox/engine.sh start     (then run this again)
  or set NODE_ISOLATION=none to run nodes on the host's engine, as root of this host (see the README's Security section)."
  command -v dockerd >/dev/null && command -v docker >/dev/null || { can_apt || die "dockerd is missing: install Docker Engine (Debian: docker.io)"; apt_install docker.io; }
  # The engine's runtime reads and edits OCI configurations with jq.
  command -v jq >/dev/null || { can_apt || die "jq is missing: install it (Debian: apt-get install jq)"; apt_install jq; }
  bash sandbox/engine.sh start
}

# The host engine gets the Debian base of the playground engine for the compose build.
share_base_with_host() {
  DOCKER_HOST=$host_docker_host docker image inspect debian:trixie-slim >/dev/null 2>&1 && return
  say "copying debian:trixie-slim to the host's engine (for docker compose builds)"
  docker save debian:trixie-slim | DOCKER_HOST=$host_docker_host docker load -q >/dev/null
}

# Keeps sessions away from the host's own services and cloud metadata.
ensure_firewall() {
  if is_root && command -v iptables >/dev/null; then
    bash sandbox/firewall.sh || die "the host firewall rules could not be installed (sandbox/firewall.sh)"
  else
    say "warning: not root or no iptables: sessions can reach this host's services through their gateway."
    say "         Run sandbox/firewall.sh as root to block that (see the README's Security section)."
  fi
}

# Rebuilds the web app only when its sources changed since the last build.
ensure_web_build() {
  local hash
  hash=$(find app lib server.ts next.config.ts postcss.config.mjs tsconfig.json package-lock.json -type f -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  if [ "$(cat .next/.playground-build 2>/dev/null)" = "$hash" ]; then return; fi
  say "building the web app (next build)"
  npx next build >/tmp/playground-next-build.log 2>&1 || { tail -n 40 /tmp/playground-next-build.log >&2; die "next build failed"; }
  echo "$hash" > .next/.playground-build
}

build_web=false
with_host_engine=false
for arg in "$@"; do
  case $arg in
    --build) build_web=true ;;
    --host-engine) with_host_engine=true ;;
    *) die "unknown option $arg (--build, --host-engine)" ;;
  esac
done

ensure_node_packages
case $isolation in
  userns)
    if $with_host_engine; then ensure_engine; fi
    ensure_playground_engine
    ;;
  none) ensure_engine ;;
  *) die "NODE_ISOLATION must be userns or none, not $isolation" ;;
esac
ensure_firewall
bash sandbox/build.sh
if [ "$isolation" = userns ] && $with_host_engine; then share_base_with_host; fi
if $build_web; then ensure_web_build; fi
say "ready"
