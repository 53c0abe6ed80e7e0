#!/bin/bash
# Starts a playground node and supervises its inner Docker engine: makes the
# cgroup tree writable, starts dockerd with the playground's registry as its
# mirror, and prints PLAYGROUND_READY once `docker version` answers. The
# server waits for that line, so a failure of the first start prints a reason
# and exits non-zero.
#
# Once the node has started, the engine may stop (killed, out of memory, a
# crash): the node keeps running, with its files and shells, and this script
# prints PLAYGROUND_ENGINE_STOPPED <status> after dockerd's last log lines,
# then waits. `playground-engine restart` (SIGUSR1 to this script, whose pid
# is in /run/playground/entrypoint.pid) starts the engine again, or, when it
# runs, stops it cleanly first; PLAYGROUND_ENGINE_STARTING and then
# PLAYGROUND_READY (or PLAYGROUND_ENGINE_STOPPED) follow. Only this script
# starts dockerd, one request at a time, so two engines never run at once.
# The engine's state is kept in /run/playground/engine for that command:
# "<start count> running|starting|stopped [<exit status>]".
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
echo $$ > /run/playground/entrypoint.pid
args=(--host=unix:///var/run/docker.sock)
if [ -n "${PLAYGROUND_REGISTRY_MIRROR:-}" ]; then
  args+=(--registry-mirror "$PLAYGROUND_REGISTRY_MIRROR")
  mirror_host=${PLAYGROUND_REGISTRY_MIRROR#*://}
  args+=(--insecure-registry "${mirror_host%/}")
fi

# The playground's hub (sandbox/registry/hub.mjs) answers HTTPS on the session
# network as hub.playground and, offline, as Docker Hub's registry. Docker's
# engine checks Docker Hub against the system's roots only (certs.d does not
# apply to it), and so do the CLI and buildx, which fetch BuildKit's tokens:
# the hub's certificate joins the node's system bundle (once, as a restarted
# node keeps its files). It is not a CA and vouches for its own names only.
if [ -n "${PLAYGROUND_HUB_CERT:-}" ]; then
  bundle=/etc/ssl/certs/ca-certificates.crt
  hub_cert=$(printf '%s' "$PLAYGROUND_HUB_CERT" | base64 -d)
  grep -qxF "$(printf '%s\n' "$hub_cert" | sed -n 2p)" "$bundle" || printf '%s\n' "$hub_cert" >> "$bundle"
fi

# Registries that learners run in their own nodes (`docker run -p 5000:5000
# registry`, then `docker push node1:5000/app` and pull it on node2) speak
# plain HTTP: trust private addresses, which is all a session network has.
for cidr in 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16; do args+=(--insecure-registry "$cidr"); done

# Inner containers on the engine's default bridge (`docker run`, the RUN steps
# of `docker build`) cannot use the node's resolver, Docker's 127.0.0.11 on the
# session network: dockerd leaves loopback servers out of their resolv.conf and
# gives them 8.8.8.8 instead, which a classroom may not reach and which knows
# none of the playground's names. A forwarder on an address of the node's own
# answers them from the node's resolver, so node2, hub.playground and
# npm.playground resolve in inner containers and builds as in the node.
inner_dns=169.254.53.53
args+=(--dns "$inner_dns")
dns_pid=""
start_dns() {
  alive "$dns_pid" && return 0
  ip addr add "$inner_dns/32" dev lo 2>/dev/null || true
  dnsmasq --keep-in-foreground --no-hosts --bind-interfaces --listen-address="$inner_dns" \
    --resolv-file=/etc/resolv.conf --max-cache-ttl=5 --user=nobody --group=nogroup \
    --pid-file=/run/playground/dnsmasq.pid --log-facility=- >>/var/log/dnsmasq.log 2>&1 &
  dns_pid=$!
}

state_file=/run/playground/engine
log_file=/var/log/dockerd.log
starts=0          # how many times the engine was started: tells a restart's answer from older states
dockerd_pid=""
socat_pid=""
restart_requested=0
stop_requested=0

set_state() {
  printf '%s %s\n' "$starts" "$*" > "$state_file.new"
  mv -f "$state_file.new" "$state_file"
}

# True while PID is a live process (a dead child not yet reaped is a zombie: not alive).
alive() {
  [ -n "$1" ] && [ -e "/proc/$1" ] || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Starts dockerd and waits until it answers. Returns 0 once PLAYGROUND_READY
# is printed; otherwise prints why, leaves no engine behind and returns the
# status to report.
start_engine() {
  starts=$((starts + 1))
  set_state starting
  local other
  other=$(pgrep -x dockerd | head -n 1 || true)
  if [ -n "$other" ]; then
    say "a dockerd that the playground did not start is running (pid $other): stop it first (kill $other)"
    return 1
  fi
  if [ "$starts" -eq 1 ]; then
    : > "$log_file"
  else
    printf '\n---- the playground starts the engine again (%s) ----\n' "$(date -u +%FT%TZ)" >> "$log_file"
  fi
  start_dns
  # Left by an engine that was killed: a stale pid file would stop the new one.
  rm -f /var/run/docker.pid
  dockerd "${args[@]}" >>"$log_file" 2>&1 &
  dockerd_pid=$!
  local status
  for _ in $(seq 1 600); do
    if ! alive "$dockerd_pid"; then
      status=0
      wait "$dockerd_pid" || status=$?
      dockerd_pid=""
      # Later starts print the log with their report (report_stopped).
      if [ "$starts" -eq 1 ]; then
        say "the inner Docker engine stopped while starting (exit status $status); its last words:"
        tail -n 20 "$log_file"
      fi
      return $((status == 0 ? 1 : status))
    fi
    if docker version >/dev/null 2>&1; then
      # The engine's API on port 2375 of the session network: the playground's
      # Docker panel reads it, and nodes can reach each other's engine (what
      # `docker -H node2:2375` and swarm lessons expect). Served through socat
      # because dockerd itself waits a second at start when bound to TCP.
      if ! alive "$socat_pid"; then
        socat TCP-LISTEN:2375,fork,reuseaddr UNIX-CONNECT:/var/run/docker.sock >/dev/null 2>&1 &
        socat_pid=$!
      fi
      set_state running
      echo PLAYGROUND_READY
      return 0
    fi
    sleep 0.05
  done
  say "the inner Docker engine did not answer within 30 s"
  [ "$starts" -gt 1 ] || tail -n 20 "$log_file"
  stop_engine
  return 124
}

# Stops dockerd cleanly (it stops its containers first), killing it after 20 s.
stop_engine() {
  [ -n "$dockerd_pid" ] || return 0
  kill -TERM "$dockerd_pid" 2>/dev/null || true
  for _ in $(seq 1 200); do
    alive "$dockerd_pid" || break
    sleep 0.1
  done
  if alive "$dockerd_pid"; then
    say "the Docker engine did not stop within 20 s: killing it"
    kill -KILL "$dockerd_pid" 2>/dev/null || true
  fi
  wait "$dockerd_pid" 2>/dev/null || true
  dockerd_pid=""
}

# The engine has stopped on its own or could not start again: say so, then wait.
report_stopped() {
  local status=$1
  set_state stopped "$status"
  say "the inner Docker engine stopped (exit status $status); the last lines of $log_file:"
  tail -n 20 "$log_file" | sed 's/^/[dockerd] /'
  say "the node keeps running with its files and shells; start the engine again with: playground-engine restart"
  echo "PLAYGROUND_ENGINE_STOPPED $status"
}

# A restart request (from playground-engine) or `docker stop` of the node.
trap 'restart_requested=1' USR1
trap 'stop_requested=1' TERM INT

if ! start_engine; then
  # The first start: the server is waiting for PLAYGROUND_READY and takes the
  # end of the node as a failure, with the reason printed above.
  exit 1
fi
restart_requested=0

while :; do
  if [ "$stop_requested" = 1 ]; then
    stop_engine
    exit 0
  fi
  if [ "$restart_requested" = 1 ]; then
    restart_requested=0
    echo PLAYGROUND_ENGINE_STARTING
    if [ -n "$dockerd_pid" ]; then say "restarting the Docker engine, as asked"; else say "starting the Docker engine again, as asked"; fi
    stop_engine
    status=0
    start_engine || status=$?
    restart_requested=0
    [ "$status" = 0 ] || report_stopped "$status"
    continue
  fi
  if [ -n "$dockerd_pid" ]; then
    # Returns when dockerd exits, or at once when a signal above arrives.
    status=0
    wait "$dockerd_pid" || status=$?
    alive "$dockerd_pid" && continue
    if [ "$restart_requested$stop_requested" != 00 ]; then
      # The wait may have been cut short by the signal: ask again for the real status.
      again=0
      wait "$dockerd_pid" 2>/dev/null || again=$?
      [ "$again" = 127 ] || status=$again
    fi
    dockerd_pid=""
    [ "$stop_requested" = 1 ] && continue
    report_stopped "$status"
  else
    # No engine: sleep until a request comes (the signal ends the wait).
    sleep 3600 &
    sleeper=$!
    wait "$sleeper" 2>/dev/null || true
    kill "$sleeper" 2>/dev/null || true
    wait "$sleeper" 2>/dev/null || true
  fi
done
