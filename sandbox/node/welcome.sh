# Login shells of a playground node: a prompt that names the node and a
# short welcome the first time a terminal opens.
if [ -n "${BASH_VERSION:-}" ] && [ -n "${PS1:-}" ]; then
  PS1='\[\e[1;32m\]\h\[\e[0m\]:\[\e[1;34m\]\w\[\e[0m\]\$ '
  [ -r /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
  if [ ! -e /run/playground/welcomed ]; then
    : > /run/playground/welcomed 2>/dev/null || true
    printf '\n  \033[1mWelcome to the Docker playground\033[0m: this is %s, a disposable machine of your own.\n' "$(hostname)"
    printf '  Docker %s with Compose and Buildx is ready. Try:  docker run hello-world\n\n' \
      "$(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '(engine starting)')"
  fi
  # At the next prompt after the node's Docker engine stops, say so once per stop.
  _playground_engine_check() {
    local starts state status
    read -r starts state status 2>/dev/null < /run/playground/engine || return 0
    if [ "$state" = stopped ] && [ "$starts" != "${_playground_engine_told:-}" ]; then
      _playground_engine_told=$starts
      printf '\n  \033[1;33mThe Docker engine of this node stopped\033[0m (exit status %s). Your files and shells are kept.\n' "$status"
      printf '  Start it again with:  playground-engine restart   (or the Restart button on the page)\n\n'
    fi
  }
  PROMPT_COMMAND="_playground_engine_check${PROMPT_COMMAND:+; $PROMPT_COMMAND}"
fi
