#!/bin/bash
# edit FILE...: opens files in the editor of the playground's page.
#
# The page cannot be reached from inside the node, so the request travels in
# the terminal's own output: a private OSC escape sequence that the page's
# terminal catches and never shows,
#   ESC ] 7701 ; edit ; <base64 of the absolute path> BEL
# Only the playground's terminal understands it. playground-shell sets
# PLAYGROUND_TERMINAL in the shells it opens; anywhere else (`docker exec -it`
# from the host, ssh) a terminal editor is more useful, so edit runs
# ${EDITOR:-vi} there. Without a terminal at all (a pipe, a script) there is
# nothing to open, and it says so.
set -u

usage() { echo "usage: edit FILE..." >&2; exit 2; }
[ $# -gt 0 ] || usage
case ${1:-} in -h|--help) usage ;; esac

if [ ! -t 1 ]; then
  echo "edit: opens files in the playground page's editor, so it only works in the playground's terminal." >&2
  exit 1
fi
if [ -z "${PLAYGROUND_TERMINAL:-}" ]; then
  echo "edit: not in the playground's terminal; using ${EDITOR:-vi} instead." >&2
  exec "${EDITOR:-vi}" "$@"
fi

status=0
for arg in "$@"; do
  path=$(realpath -m -- "$arg") || { status=1; continue; }
  if [ -d "$path" ]; then
    echo "edit: $path is a folder; give a file." >&2
    status=1
    continue
  fi
  if [ ! -e "$path" ]; then
    if ! mkdir -p -- "$(dirname -- "$path")" || ! : > "$path"; then
      echo "edit: cannot create $path." >&2
      status=1
      continue
    fi
    echo "Created the empty file $path"
  fi
  printf '\033]7701;edit;%s\a' "$(printf '%s' "$path" | base64 -w0)"
  echo "Opening $path in the editor"
done
exit $status
