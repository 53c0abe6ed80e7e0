#!/bin/bash
# Entry point of the app image, which runs on the host's network (see
# compose.yaml). As root, and only for a moment, it
#  1. installs the host firewall rules for the sessions' bridges
#     (sandbox/firewall.sh), on every start, so that they are back before the
#     server is, also after a reboot, which empties the host's tables;
#  2. learns which group owns the Docker socket (it differs from host to host);
# then runs the server as the unprivileged `playground` user, in that group,
# with no capabilities. Whoever can use the socket controls the host's engine:
# this limits what a bug in the app can do to the container, not to the host.
set -euo pipefail

say() { printf '[app] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ "$(id -u)" != 0 ]; then
  say "warning: started as $(id -un), not root: the host firewall rules are not installed"
  exec "$@"
fi

# iptables has two back ends; a rule in the one the host's Docker does not
# use is never consulted. nftables (Debian's default) unless Docker's chain is
# only in the legacy tables.
if ! iptables-nft -n -L DOCKER >/dev/null 2>&1 && iptables-legacy -n -L DOCKER >/dev/null 2>&1; then
  update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy
fi
bash /usr/local/lib/playground/firewall.sh \
  || die "the host firewall rules could not be installed: the app service needs network_mode: host and cap_add: NET_ADMIN"
say "host firewall rules for the sessions' bridges installed ($(iptables -V))"

socket=${DOCKER_HOST:-unix:///var/run/docker.sock}
socket=${socket#unix://}
groups=playground
if [ -S "$socket" ]; then
  groups+=,$(stat -c %g "$socket")
elif [[ ${DOCKER_HOST:-} != tcp://* ]]; then
  die "no Docker socket at $socket: mount the host's socket there (compose.yaml does)"
fi
if [ "${TERMINAL_BACKEND:-api}" = pty ]; then
  die "TERMINAL_BACKEND=pty needs the docker CLI, which this image leaves out; use api (the default)"
fi
export HOME=/app
exec setpriv --reuid=playground --regid=playground --groups="$groups" --inh-caps=-all --bounding-set=-all -- "$@"
