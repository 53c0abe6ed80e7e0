#!/bin/bash
# The node's Docker engine, for learners and for the playground's server.
#   playground-engine status            is it running? (exit 0 running, 3 stopped, 4 starting)
#   playground-engine restart           start it again; when it runs, stop it cleanly first
#                                       (its containers stop, as on any engine restart).
#                                       Waits until it answers (exit 0) or failed (exit 1).
#   playground-engine restart --no-wait ask, and return at once
# The node's entrypoint does the work: it is the only one that starts dockerd,
# one request at a time, so asking twice never starts two engines.
set -euo pipefail

state_file=/run/playground/engine
pid_file=/run/playground/entrypoint.pid
log_file=/var/log/dockerd.log

usage() {
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
  echo "playground-engine: $*" >&2
  exit 1
}

# Sets starts, state and status from the state file.
read_state() {
  starts=0 state=unknown status=""
  [ -r "$state_file" ] || return 0
  read -r starts state status < "$state_file" || true
}

describe_status() {
  case $1 in
    137) echo "exit status 137: it was killed" ;;
    143) echo "exit status 143: it was told to stop" ;;
    *) echo "exit status $1" ;;
  esac
}

case ${1:-status} in
  status)
    read_state
    case $state in
      running) echo "The Docker engine is running."; exit 0 ;;
      starting) echo "The Docker engine is starting."; exit 4 ;;
      stopped)
        echo "The Docker engine is stopped ($(describe_status "${status:-?}"))."
        echo "Its log is $log_file. Start it again with: playground-engine restart"
        exit 3 ;;
      *) die "the node's supervisor has not reported the engine's state (is this a playground node?)" ;;
    esac
    ;;
  restart)
    wait_for_it=1
    case ${2:-} in
      "") ;;
      --no-wait) wait_for_it=0 ;;
      *) usage >&2; exit 2 ;;
    esac
    pid=$(cat "$pid_file" 2>/dev/null || true)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || die "the node's supervisor is not running; restart the node from the playground's page"
    read_state
    before=$starts
    case $state in
      starting) echo "The Docker engine is already starting." ;;
      running)
        echo "Restarting the Docker engine: it stops cleanly first, with its running containers."
        kill -USR1 "$pid" ;;
      *)
        echo "Starting the Docker engine again."
        kill -USR1 "$pid" ;;
    esac
    [ "$wait_for_it" = 1 ] || exit 0
    # At most 20 s to stop and 30 s to answer, and a little more.
    for _ in $(seq 1 600); do
      sleep 0.1
      read_state
      # A start that began before this request counts too ("already starting").
      [ "$state" = starting ] && [ "$before" = "$starts" ] && before=$((starts - 1))
      if [ "$starts" -gt "$before" ]; then
        case $state in
          running) echo "The Docker engine is running."; exit 0 ;;
          stopped)
            echo "The Docker engine did not start ($(describe_status "${status:-?}")). The end of $log_file:"
            tail -n 20 "$log_file" 2>/dev/null || true
            exit 1 ;;
        esac
      fi
    done
    die "the Docker engine did not answer within 60 s; see $log_file"
    ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
