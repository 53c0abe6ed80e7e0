#!/bin/bash
# The shell behind a playground terminal. It records its PID so that the
# server can end it later: closing `docker exec` does not stop what it started.
#   playground-shell NAME    open the login shell of terminal NAME
#   playground-shell --reap  hang up every shell a terminal opened
set -eu
dir=/run/playground/shells
mkdir -p "$dir"
if [ "${1:-}" = --reap ]; then
  pids=()
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    rm -f "$f"
    case $pid in '' | *[!0-9]*) continue ;; esac
    kill -HUP "$pid" 2>/dev/null && pids+=("$pid")
  done
  # Gone (and reaped by tini) before the new shell starts: a hung-up shell
  # takes a moment to exit, and one that ignores the hangup is killed after 2 s.
  for pid in "${pids[@]}"; do
    for _ in $(seq 40); do
      ps -p "$pid" >/dev/null || continue 2
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  exit 0
fi
name=${1:-main}
case $name in *[!a-zA-Z0-9_-]*) echo "bad terminal name: $name" >&2; exit 2 ;; esac
echo $$ > "$dir/$name.pid"
cd /root
# `edit` looks for it: only this terminal understands the page's escape sequences.
export PLAYGROUND_TERMINAL=$name
exec bash -l
