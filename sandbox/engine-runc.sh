#!/bin/bash
# The playground engine's OCI runtime (sandbox/engine.sh installs it with the
# real runc's path): runc itself, and after `runc create` of a container that
# has a user namespace, the delegation of its cgroup to its root.
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

"$runc" "$@" || exit $?

config=${bundle:-.}/config.json
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
