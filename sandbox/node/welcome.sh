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
fi
