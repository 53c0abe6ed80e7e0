#!/bin/sh
# As in the official image: `docker run node:24 -e 'code'` or
# `docker run node:24 app.js` runs node with those arguments; a command
# (npm, sh, yarn...) runs as it is.
set -e
if [ "${1#-}" != "$1" ] || { [ -n "$1" ] && ! command -v -- "$1" >/dev/null 2>&1; } || { [ -f "$1" ] && [ ! -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"
