#!/bin/bash
# Starts a playground node: makes the cgroup tree writable for the inner
# engine, starts dockerd with the playground's registry as its mirror, and
# prints PLAYGROUND_READY once `docker version` answers. The server waits for
# that line, so every failure here must print a reason and exit non-zero.
set -euo pipefail

say() { echo "[node] $*"; }

# cgroup v2: the node sees its own cgroup as the root (private cgroup
# namespace). Processes cannot stay in a cgroup whose controllers are handed
# down, so move them into a leaf first, then delegate every controller.
prepare_cgroup_v2() {
  # A bind remount changes only this node's view; a plain remount would
  # reconfigure the host's cgroup filesystem, and the node's seccomp profile
  # refuses it. Failing that, mount the node's part of the tree afresh.
  mount -o remount,bind,rw /sys/fs/cgroup 2>/dev/null \
    || { umount /sys/fs/cgroup 2>/dev/null && mount -t cgroup2 cgroup2 /sys/fs/cgroup; } 2>/dev/null || true
  if [ ! -w /sys/fs/cgroup/cgroup.procs ]; then
    say "cannot make /sys/fs/cgroup writable (rootless Docker or user-namespace remapping?);"
    say "the inner engine needs it. Run the playground on a rootful engine."
    exit 1
  fi
  mkdir -p /sys/fs/cgroup/node
  local pid
  while read -r pid; do
    echo "$pid" > /sys/fs/cgroup/node/cgroup.procs 2>/dev/null || true
  done < /sys/fs/cgroup/cgroup.procs
  local controllers=() c
  for c in $(cat /sys/fs/cgroup/cgroup.controllers); do controllers+=("+$c"); done
  if [ ${#controllers[@]} -gt 0 ]; then
    echo "${controllers[*]}" > /sys/fs/cgroup/cgroup.subtree_control
  fi
}

# cgroup v1: Docker mounts each hierarchy read-only; mount them again
# read-write so the inner engine can create cgroups for its containers.
prepare_cgroup_v1() {
  local dir name opts
  for dir in /sys/fs/cgroup/*/; do
    dir=${dir%/}
    [ -L "$dir" ] && continue
    mountpoint -q "$dir" || continue
    name=${dir##*/}
    case $name in
      systemd) opts=none,name=systemd ;;
      unified) continue ;;
      *) opts=$name ;;
    esac
    umount "$dir" 2>/dev/null || true
    mount -t cgroup -o "$opts" cgroup "$dir"
  done
}

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  prepare_cgroup_v2
else
  # /sys/fs/cgroup is the node's own tmpfs here, holding one mount per hierarchy.
  mount -o remount,bind,rw /sys/fs/cgroup 2>/dev/null || true
  prepare_cgroup_v1
fi

mkdir -p /run/playground/shells
args=(--host=unix:///var/run/docker.sock)
if [ -n "${PLAYGROUND_REGISTRY_MIRROR:-}" ]; then
  args+=(--registry-mirror "$PLAYGROUND_REGISTRY_MIRROR")
  mirror_host=${PLAYGROUND_REGISTRY_MIRROR#*://}
  args+=(--insecure-registry "${mirror_host%/}")
fi

# Registries that learners run in their own nodes (`docker run -p 5000:5000
# registry`, then `docker push node1:5000/app` and pull it on node2) speak
# plain HTTP: trust private addresses, which is all a session network has.
for cidr in 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16; do args+=(--insecure-registry "$cidr"); done

dockerd "${args[@]}" >/var/log/dockerd.log 2>&1 &
dockerd_pid=$!

for _ in $(seq 1 600); do
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then
    say "the inner Docker engine stopped while starting; its last words:"
    tail -n 20 /var/log/dockerd.log
    exit 1
  fi
  if docker version >/dev/null 2>&1; then
    # The engine's API on port 2375 of the session network: the playground's
    # Docker panel reads it, and nodes can reach each other's engine (what
    # `docker -H node2:2375` and swarm lessons expect). Served through socat
    # because dockerd itself waits a second at start when bound to TCP.
    socat TCP-LISTEN:2375,fork,reuseaddr UNIX-CONNECT:/var/run/docker.sock >/dev/null 2>&1 &
    echo PLAYGROUND_READY
    break
  fi
  sleep 0.05
done
docker version >/dev/null 2>&1 || { say "the inner Docker engine did not answer within 30 s"; tail -n 20 /var/log/dockerd.log; exit 1; }

set +e
wait "$dockerd_pid"
status=$?
say "the inner Docker engine exited with status $status"
tail -n 20 /var/log/dockerd.log
exit "$status"
