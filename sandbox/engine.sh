#!/bin/bash
# The playground engine: the Docker engine that runs every node when
# NODE_ISOLATION=userns (the default). It is Debian's dockerd, started with
#  - --userns-remap: root in a node is an unprivileged uid on the host (the
#    first of the `dockremap` range in /etc/subuid, 100000 when the engine
#    makes it), so a node's CAP_SYS_ADMIN counts in its own user namespace
#    only: no tracefs, debugfs or other mounts of the host's kernel state;
#  - a network namespace of its own (`playground`), so that its bridges and
#    iptables rules never meet those of the host's engine (two engines in one
#    namespace flush each other's DOCKER and isolation chains at start). The
#    host reaches session networks through the veth pair pg-uplink, routed;
#  - an OCI runtime wrapper (engine-runc.sh) that hands each node its own
#    cgroup, so that the node's inner engine can make cgroups for its
#    containers while the node's own limits stay root's, and that puts the
#    node's whole layer on its disk, under one quota;
#  - its own data root, exec root, socket, containerd namespace and cgroup
#    parent, beside any engine the host already runs.
#
#   sandbox/engine.sh start    starts it (and its network) unless it answers
#   sandbox/engine.sh stop     stops it; nodes stop with it
#   sandbox/engine.sh status   exit 0 when it answers
# Needs root. Settings (environment):
#   PLAYGROUND_ENGINE_SOCKET   its socket (default /run/playground/engine.sock)
#   SESSION_SUBNETS            addresses of session networks (default 10.213.0.0/16)
#   PLAYGROUND_UPLINK          the /30 between the host and the engine's namespace (default 10.212.0.0/30)
#   PLAYGROUND_ENGINE_BRIDGE   the engine's own default bridge, for builds (default 10.212.1.1/24)
set -euo pipefail

say() { printf '[engine] %s\n' "$*" >&2; }
die() { printf '[engine] error: %s\n' "$*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
socket=${PLAYGROUND_ENGINE_SOCKET:-/run/playground/engine.sock}
subnets=${SESSION_SUBNETS:-10.213.0.0/16}
uplink=${PLAYGROUND_UPLINK:-10.212.0.0/30}
bip=${PLAYGROUND_ENGINE_BRIDGE:-10.212.1.1/24}
netns=playground
host_if=pg-uplink       # matches the host firewall's pg-+ (sandbox/firewall.sh)
ns_if=uplink0
data_root=/var/lib/playground/engine
exec_root=/run/playground/engine
pidfile=/run/playground/engine.pid
log=/var/log/playground-engine.log
runtime=/usr/local/lib/playground/runc

answers() { timeout 10 docker -H "unix://$socket" version >/dev/null 2>&1; }

# a.b.c.d/n -> the n-bit network as a 32-bit number, and n.
ip_num() { local IFS=.; set -- $1; echo $(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 )); }
cidr_ok() {
  [[ $1 =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$ ]] || return 1
  local a; for a in $(echo "${1%/*}" | tr . ' '); do [ "$a" -le 255 ] || return 1; done
}
# overlaps A B: whether two CIDR ranges share an address.
overlaps() {
  local a=$(ip_num "${1%/*}") an=${1#*/} b=$(ip_num "${2%/*}") bn=${2#*/}
  local n=$(( an < bn ? an : bn ))
  local mask=$(( n == 0 ? 0 : (0xffffffff << (32 - n)) & 0xffffffff ))
  [ $(( a & mask )) -eq $(( b & mask )) ]
}

# The host's own routes must not cover the engine's ranges (another network
# would then be unreachable, or the sessions would be).
check_ranges() {
  local name value route
  for name in SESSION_SUBNETS PLAYGROUND_UPLINK PLAYGROUND_ENGINE_BRIDGE; do
    case $name in SESSION_SUBNETS) value=$subnets ;; PLAYGROUND_UPLINK) value=$uplink ;; *) value=$bip ;; esac
    cidr_ok "$value" || die "$name=$value is not an IPv4 range such as 10.213.0.0/16"
  done
  overlaps "$subnets" "$uplink" && die "SESSION_SUBNETS=$subnets and PLAYGROUND_UPLINK=$uplink overlap"
  overlaps "$subnets" "$bip" && die "SESSION_SUBNETS=$subnets and PLAYGROUND_ENGINE_BRIDGE=$bip overlap"
  overlaps "$uplink" "$bip" && die "PLAYGROUND_UPLINK=$uplink and PLAYGROUND_ENGINE_BRIDGE=$bip overlap"
  local line via
  while read -r line; do
    [ -n "$line" ] || continue
    case $line in default*) continue ;; esac
    route=${line%% *} via=""
    # A bridge of the host's own Docker engine (pg- is this project's name for session networks).
    if [[ $line =~ \ dev\ ((pg-|br-|docker)[^ ]*) ]]; then
      via=" (${BASH_REMATCH[1]}, a network of the host's Docker engine, perhaps left by a server that was killed: see docker network ls)"
    fi
    [[ $route == */* ]] || route=$route/32
    cidr_ok "$route" || continue
    # Our own routes, from an earlier start.
    if [ "$route" = "$subnets" ] || [ "$route" = "$uplink" ]; then continue; fi
    overlaps "$route" "$subnets" && die "SESSION_SUBNETS=$subnets overlaps this host's route to $route$via: choose another range"
    overlaps "$route" "$uplink" && die "PLAYGROUND_UPLINK=$uplink overlaps this host's route to $route$via: choose another range"
  done < <(ip -4 route show table main)
  return 0
}

# Host address and namespace address of the uplink: the /30's first two.
uplink_addr() { local n=$(( $(ip_num "${uplink%/*}") + $1 )); echo "$(( n >> 24 & 255 )).$(( n >> 16 & 255 )).$(( n >> 8 & 255 )).$(( n & 255 ))"; }

ensure_network() {
  local host_ip ns_ip
  host_ip=$(uplink_addr 1)
  ns_ip=$(uplink_addr 2)
  [ -e "/run/netns/$netns" ] || ip netns add "$netns"
  ip -n "$netns" link set lo up
  if ! ip link show "$host_if" >/dev/null 2>&1; then
    ip link add "$host_if" type veth peer name "$ns_if" netns "$netns"
  fi
  ip addr replace "$host_ip/30" dev "$host_if"
  ip link set "$host_if" up
  ip -n "$netns" addr replace "$ns_ip/30" dev "$ns_if"
  ip -n "$netns" link set "$ns_if" up
  ip -n "$netns" route replace default via "$host_ip"
  ip route replace "$subnets" via "$ns_ip" dev "$host_if"
  sysctl -q -w net.ipv4.ip_forward=1
  ip netns exec "$netns" sysctl -q -w net.ipv4.ip_forward=1
  # What leaves the namespace for other networks goes out as this host.
  iptables -t nat -C POSTROUTING -s "$uplink" ! -o "$host_if" -j MASQUERADE 2>/dev/null \
    || iptables -t nat -A POSTROUTING -s "$uplink" ! -o "$host_if" -j MASQUERADE
}

# Rules inside the namespace, once the engine has made its chains: the host
# (through the uplink) may open connections to nodes, nothing else may, and
# nodes reach nothing of the namespace itself.
ensure_namespace_rules() {
  local n="ip netns exec $netns iptables"
  $n -N PLAYGROUND-UPLINK 2>/dev/null || $n -F PLAYGROUND-UPLINK
  $n -A PLAYGROUND-UPLINK -i "$ns_if" -o pg-+ -d "$subnets" -j ACCEPT
  $n -C DOCKER-USER -j PLAYGROUND-UPLINK 2>/dev/null || $n -I DOCKER-USER 1 -j PLAYGROUND-UPLINK
  $n -N PLAYGROUND-INPUT 2>/dev/null || $n -F PLAYGROUND-INPUT
  $n -A PLAYGROUND-INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
  $n -A PLAYGROUND-INPUT -j DROP
  $n -C INPUT -i pg-+ -j PLAYGROUND-INPUT 2>/dev/null || $n -I INPUT 1 -i pg-+ -j PLAYGROUND-INPUT
}

install_runtime() {
  local runc
  runc=$(command -v runc) || die "runc is missing (it comes with Debian's docker.io)"
  command -v jq >/dev/null || die "jq is missing: the playground's runtime reads containers' configurations with it (apt-get install jq)"
  mkdir -p "${runtime%/*}"
  sed "s|@RUNC@|$runc|" "$here/engine-runc.sh" > "$runtime.new"
  chmod 755 "$runtime.new"
  mv -f "$runtime.new" "$runtime"
}

# Every node may use NODE_PIDS_LIMIT process ids; the host's kernel.pid_max
# (32768 on many hosts) would let only about 28 nodes reach it. The server
# counts what is left (/api/health, capacity.limits.pids).
raise_pid_max() {
  local want=4194304 now
  now=$(cat /proc/sys/kernel/pid_max)
  [ "$now" -ge "$want" ] && return 0
  if echo "$want" > /proc/sys/kernel/pid_max 2>/dev/null; then
    say "kernel.pid_max raised from $now to $want"
  else
    say "kernel.pid_max is $now and cannot be raised here: sessions are limited to what it allows (/api/health)"
  fi
}

# All nodes run as one remapped uid, and the kernel's key quota for a user
# (kernel.keys.maxkeys 200, maxbytes 20000) is shared by them: each node
# takes a session keyring, and so does each terminal's exec. With the
# defaults, the 101st node could not start ("unable to create session key:
# disk quota exceeded"). Raised to root's own quota.
raise_key_quota() {
  local name want now
  for name in maxkeys:1000000 maxbytes:25000000; do
    want=${name#*:}; name=${name%%:*}
    now=$(cat "/proc/sys/kernel/keys/$name")
    [ "$now" -ge "$want" ] && continue
    if echo "$want" > "/proc/sys/kernel/keys/$name" 2>/dev/null; then
      say "kernel.keys.$name raised from $now to $want"
    else
      say "kernel.keys.$name is $now and cannot be raised here: sessions are limited to what it allows (/api/health)"
    fi
  done
}

start() {
  [ "$(id -u)" = 0 ] || die "the playground engine needs root to start (sudo bash sandbox/engine.sh start)"
  command -v dockerd >/dev/null || die "dockerd is missing: install Debian's docker.io (apt-get install docker.io)"
  check_ranges
  raise_pid_max
  raise_key_quota
  ensure_network
  install_runtime
  if answers; then
    ensure_namespace_rules
    return 0
  fi
  mkdir -p "$data_root" "$exec_root" "${socket%/*}"
  # Left by an engine that was killed.
  rm -f "$pidfile"
  say "starting the playground engine (log: $log)"
  # nsenter, not `ip netns exec`: that one mounts a new /sys, which hides the
  # cgroup hierarchies the engine needs.
  setsid nohup nsenter --net="/run/netns/$netns" dockerd \
    --userns-remap=default \
    --data-root "$data_root" --exec-root "$exec_root" --pidfile "$pidfile" \
    --host "unix://$socket" \
    --containerd-namespace playground --containerd-plugins-namespace playground-plugins \
    --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent /playground-engine \
    --add-runtime "playground=$runtime" --default-runtime playground \
    --bip "$bip" --default-address-pool "base=$subnets,size=26" \
    --log-opt max-size=1m --log-opt max-file=1 \
    >>"$log" 2>&1 </dev/null &
  for _ in $(seq 1 150); do
    if answers; then
      ensure_namespace_rules
      say "the playground engine answers at unix://$socket"
      return 0
    fi
    sleep 0.2
  done
  tail -n 20 "$log" >&2
  die "the playground engine did not answer within 30 s; see $log"
}

stop() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  die "the playground engine (pid $pid) did not stop within 30 s"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) answers ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
