#!/bin/bash
# The playground engine's OCI runtime (sandbox/engine.sh installs it with the
# real runc's path): runc itself, and after `runc create` of a container that
# has a user namespace, the delegation of its cgroup to its root; before it,
# for a node with a disk, its whole layer moved onto that disk.
#
# A node's inner engine makes cgroups for its own containers. Its cgroup
# directories belong to the host's root, and root in a node is an ordinary
# uid on the host, so the host hands it what the kernel's delegation rules
# name: the directory itself and the files that move processes (cgroup v1:
# cgroup.procs, tasks, cgroup.clone_children, notify_on_release; cgroup v2:
# cgroup.procs, cgroup.threads, cgroup.subtree_control). The limit files
# (pids.max, memory.*, cpu.*) stay the host root's: the node can give its
# containers smaller limits, never itself larger ones. This runs before the
# container's first process starts, so the node never sees it otherwise.
set -uo pipefail
runc=@RUNC@

args=("$@")
command=""
bundle=""
for ((i = 0; i < ${#args[@]}; i++)); do
  a=${args[i]}
  if [ -z "$command" ]; then
    case $a in
      --root | --log | --log-format | --criu | --rootless) i=$((i + 1)) ;;
      -*) ;;
      *) command=$a ;;
    esac
    continue
  fi
  case $a in
    --bundle | -b) bundle=${args[i + 1]:-}; i=$((i + 1)) ;;
    --bundle=*) bundle=${a#*=} ;;
  esac
done

[ "$command" = create ] || exec "$runc" "$@"

config=${bundle:-.}/config.json

# One disk quota for the whole node. A node's /var/lib/docker is a disk of
# its own (an ext4 filesystem of NODE_DISK_GB that the engine mounts as the
# node's volume), and everything else the node writes would land in its
# layer's upper directory, on the engine's data root, with no limit. So the
# layer's upper directory moves onto the same disk: the disk holds
#   docker/          what the node sees as /var/lib/docker
#   layer/upper      the node's own changes to its image (/root, /tmp, ...)
#   layer/work       overlayfs's work directory
# and the node's root is mounted again as an overlay of the same image
# layers with that upper directory, at the same place, before runc uses it.
# /etc/hosts, /etc/hostname and /etc/resolv.conf, which the engine would
# bind-mount from its own directory (where appending to /etc/hosts would
# fill the engine's disk for every node), are copied into the layer instead,
# right after `runc create` (the engine writes resolv.conf's final form while
# the container is being created); the container's first process has not
# started then, so nothing in the layer can move under the copy. The
# engine's later rewrites of these files, on a network connect, are lost;
# nodes never join another network. A disk of an earlier version, which held
# the inner engine's data at its top, is left as it was.
etc_copies=()
etc_files=(/etc/hosts /etc/hostname /etc/resolv.conf)
whole_node_disk() {
  local facts root disk uid gid opts lower index i tmp=$config.playground
  # One jq for every fact, one for every change: each run costs about 25 ms of the node's start.
  mapfile -t facts < <(jq -r --args '
    def bind($d): [.mounts[] | select(.destination == $d and .type == "bind") | .source][0] // "";
    def host($m): [.linux[$m][]? | select(.containerID == 0) | .hostID][0] // 0;
    .root.path // "", bind("/var/lib/docker"), host("uidMappings"), host("gidMappings"), ($ARGS.positional[] as $f | bind($f))
  ' "${etc_files[@]}" < "$config") || return 1
  root=${facts[0]:-} disk=${facts[1]:-} uid=${facts[2]:-0} gid=${facts[3]:-0}
  [ -n "$root" ] && [ -n "$disk" ] || return 0
  [ "$(findmnt -n -o FSTYPE --mountpoint "$disk")" = ext4 ] || return 0
  [ "$(findmnt -n -o FSTYPE --mountpoint "$root")" = overlay ] || return 0
  if [ ! -d "$disk/layer" ]; then
    [ -z "$(ls -A "$disk" | grep -vx 'lost+found')" ] || return 0
    mkdir -m 0710 "$disk/docker" && chown "$uid:$gid" "$disk/docker" || return 1
    mkdir -m 0700 "$disk/layer" "$disk/layer/work" && mkdir -m 0755 "$disk/layer/upper" && chown "$uid:$gid" "$disk/layer/upper" || return 1
  fi
  # The node sees docker/ as /var/lib/docker; the engine's /etc files are
  # copied in below instead of mounted; and /sys is writable, which `docker
  # run --privileged` in the node needs (a new sysfs may not be less
  # read-only than the node's own). That is safe in a user namespace: the
  # host's sysfs files belong to the host's root, unmapped in the node, so
  # only the permissions for others count there.
  jq -c --arg s "$disk/docker" --args '
    (.mounts[] | select(.destination == "/var/lib/docker" and .type == "bind") | .source) |= $s
    | (.mounts[] | select(.destination == "/sys" and .type == "sysfs") | .options) |= map(select(. != "ro"))
    | .mounts |= map(select(.destination as $d | $ARGS.positional | index($d) | not))
  ' "${etc_files[@]}" < "$config" > "$tmp" && mv -f "$tmp" "$config" || return 1
  # The engine's overlay, with its lower layers as it gave them (relative to
  # its overlay2 folder, to keep the options within a page).
  opts=$(awk -v m="$root" '$5 == m { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 3); exit } }' /proc/self/mountinfo)
  lower=$(printf '%s\n' "${opts//,/$'\n'}" | sed -n 's/^lowerdir=//p')
  [ -n "$lower" ] || return 1
  index=$(printf '%s\n' "${opts//,/$'\n'}" | grep -x 'index=off' || true)
  umount "$root" || return 1
  (cd "${root%/*/merged}" && mount -t overlay overlay -o "lowerdir=$lower,upperdir=$disk/layer/upper,workdir=$disk/layer/work${index:+,$index}" "$root") || return 1
  for i in "${!etc_files[@]}"; do
    [ -n "${facts[4 + i]:-}" ] && etc_copies+=("${facts[4 + i]}" "$root${etc_files[i]}")
  done
  return 0
}
copy_etc_into_layer() {
  local i target
  for ((i = 0; i < ${#etc_copies[@]}; i += 2)); do
    target=${etc_copies[i + 1]}
    # /etc must be a directory of the layer, not a link out of it.
    [ -d "${target%/*}" ] && [ ! -L "${target%/*}" ] || return 1
    rm -rf -- "$target" || return 1
    cp --no-dereference --preserve=mode,ownership -- "${etc_copies[i]}" "$target" || return 1
  done
}
if ! whole_node_disk; then
  echo "playground runtime: could not put the node's layer on its disk ($config)" >&2
  exit 1
fi

"$runc" "$@" || exit $?

if ! copy_etc_into_layer; then
  echo "playground runtime: could not copy /etc/hosts, /etc/hostname and /etc/resolv.conf into the node's layer" >&2
  exit 1
fi
# The host ids of the container's root, when it has a user namespace.
uid=$(grep -o '"uidMappings":\[{"containerID":0,"hostID":[0-9]*' "$config" 2>/dev/null | grep -o '[0-9]*$')
gid=$(grep -o '"gidMappings":\[{"containerID":0,"hostID":[0-9]*' "$config" 2>/dev/null | grep -o '[0-9]*$')
[ -n "$uid" ] && [ -n "$gid" ] && [ "$uid" != 0 ] || exit 0
path=$(grep -o '"cgroupsPath":"[^"]*"' "$config" | head -n 1 | cut -d'"' -f4)
case $path in /*) ;; *) exit 0 ;; esac # only the cgroupfs driver's paths

status=0
# Every cgroup hierarchy this host mounts: mount point and type.
while read -r mnt type; do
  dir=$mnt$path
  [ -d "$dir" ] || continue
  if [ "$type" = cgroup2 ]; then
    files=(cgroup.procs cgroup.threads cgroup.subtree_control)
  else
    files=(cgroup.procs tasks cgroup.clone_children notify_on_release)
  fi
  chown "$uid:$gid" "$dir" || status=1
  for f in "${files[@]}"; do
    [ -e "$dir/$f" ] && { chown "$uid:$gid" "$dir/$f" || status=1; }
  done
done < <(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i+1) == "cgroup" || $(i+1) == "cgroup2") print $5, $(i+1); break } }' /proc/self/mountinfo)
if [ "$status" != 0 ]; then
  echo "playground runtime: could not hand cgroup $path to uid $uid" >&2
fi
exit 0
