#!/bin/bash
# The node's build helpers: run `docker build` or `docker compose` exactly as
# asked, and when it fails and Docker names a line of the Dockerfile or of the
# compose file, tell the playground's page, which then shows the error on that
# line in its editor. Installed twice:
#   playground-build [docker build args...]
#   playground-compose [docker compose args...]
# The page is told with a private OSC escape sequence that its terminal
# catches and never shows:
#   ESC ] 7701 ; error ; <base64 of {"file":"/abs/path","line":N,"message":"..."}> BEL
# The exit status is always Docker's.
set -u

mode=build
case $(basename -- "$0") in *compose*) mode=compose ;; esac

log=$(mktemp /tmp/playground-build.XXXXXX)
trap 'rm -f "$log"' EXIT

# Docker's output reaches the terminal as it comes and is kept in $log. On a
# terminal, Docker runs in a pty of its own (script), so that it keeps its
# live progress display; elsewhere its output is piped through tee.
run() {
  if [ -t 1 ] && command -v script >/dev/null; then
    SHELL=/bin/bash script -q -e -c "$(printf '%q ' "$@")" "$log"
  else
    "$@" 2>&1 | tee "$log"
    return "${PIPESTATUS[0]}"
  fi
}

# The value of -f/--file in the arguments, if any (the last one wins).
file_arg() {
  local want=0 found=""
  for a in "$@"; do
    if [ $want = 1 ]; then found=$a; want=0; continue; fi
    case $a in
      -f|--file) want=1 ;;
      --file=*) found=${a#--file=} ;;
      -f?*) found=${a#-f} ;;
    esac
  done
  printf '%s' "$found"
}

# The build context: the last argument that is not an option or an option's value.
context_arg() {
  local skip=0 ctx=.
  for a in "$@"; do
    if [ $skip = 1 ]; then skip=0; continue; fi
    case $a in
      # Options of docker build that take a separate value.
      -f|--file|-t|--tag|--build-arg|--target|--platform|--label|--network|--progress|-o|--output|--secret|--ssh|--cache-from|--cache-to|--add-host|--build-context|--iidfile|--metadata-file|--shm-size|--ulimit|--allow|--attest|--builder|--cgroup-parent|--annotation|-m|--memory|--memory-swap|--cpu-shares|--cpuset-cpus|--isolation) skip=1 ;;
      -*) ;;
      *) ctx=$a ;;
    esac
  done
  printf '%s' "$ctx"
}

# A JSON string (jq is in the node).
json_string() { jq -Rn --arg s "$1" '$s'; }

notify() { # file line message
  local body
  body=$(printf '{"file":%s,"line":%s,"message":%s}' "$(json_string "$1")" "$2" "$(json_string "$3")")
  printf '\033]7701;error;%s\a' "$(printf '%s' "$body" | base64 -w0)"
}

clean_log() { # the log without carriage returns and escape sequences
  sed -e 's/\x1b\[[0-9;?]*[ -\/]*[@-~]//g' -e 's/\r//g' "$log"
}

if [ $mode = build ]; then
  run docker build "$@"
  status=$?
  [ $status = 0 ] && exit 0
  file=$(file_arg "$@")
  [ -n "$file" ] || file=$(context_arg "$@")/Dockerfile
  [ "$file" = - ] && exit $status
  text=$(clean_log)
  # BuildKit names the line ("Dockerfile:3", then a frame of the file) and
  # then the error ("ERROR: failed to solve: ..."). A parse error also says
  # "dockerfile parse error on line 3" (older engines: "... line 3:").
  line=$(printf '%s\n' "$text" | sed -n -E 's/^[^ ]+:([0-9]+)$/\1/p' | tail -n 1)
  [ -n "$line" ] || line=$(printf '%s\n' "$text" | sed -n -E 's/.*parse error (on )?line ([0-9]+).*/\2/p' | tail -n 1)
  message=$(printf '%s\n' "$text" | sed -n -E 's/^ERROR: (failed to (solve|build): )*//p' | tail -n 1)
  [ -n "$message" ] || message=$(printf '%s\n' "$text" | grep -v '^[[:space:]]*$' | tail -n 1)
else
  run docker compose "$@"
  status=$?
  [ $status = 0 ] && exit 0
  file=$(file_arg "$@")
  if [ -z "$file" ]; then
    for f in compose.yaml compose.yml docker-compose.yaml docker-compose.yml; do
      [ -e "$f" ] && { file=$f; break; }
    done
  fi
  [ -n "$file" ] || exit $status
  text=$(clean_log)
  # YAML errors: "yaml: line 12: mapping values are not allowed in this context".
  line=$(printf '%s\n' "$text" | sed -n -E 's/.*yaml: line ([0-9]+):.*/\1/p' | tail -n 1)
  message=$(printf '%s\n' "$text" | grep -E 'yaml: line [0-9]+:' | tail -n 1 | sed -E 's/.*(yaml: line [0-9]+: )/\1/')
fi

if [ -n "${line:-}" ] && [ "$line" -ge 1 ] 2>/dev/null; then
  notify "$(realpath -m -- "$file")" "$line" "$(printf '%s' "$message" | cut -c1-2000)"
fi
exit $status
