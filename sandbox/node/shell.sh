#!/bin/bash
# The shell behind a playground terminal. It records its PID so that the
# server can end it later: closing `docker exec` does not stop what it started.
#   playground-shell NAME    open the login shell of terminal NAME
#   playground-shell --reap  hang up every shell a terminal opened
set -eu
dir=/run/playground/shells
mkdir -p "$dir"
if [ "${1:-}" = --reap ]; then
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    kill -HUP "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
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
