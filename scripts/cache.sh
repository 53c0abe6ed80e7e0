#!/usr/bin/env bash
# npm run cache -- seed FILE|PACKAGE...   fill the npm cache ahead of a class
# npm run cache -- status                 what it holds
# npm run cache -- apt seed PACKAGE...    fill the apt cache (Debian packages)
# npm run cache -- apt status             what it holds
#
# FILE is a package.json (its dependencies, devDependencies and
# optionalDependencies, and everything they depend on) or a list with one
# package per line (npm's forms: express, express@4, @scope/name@^1; `#`
# starts a comment). Anything else is a package. Seeding fetches from npm's
# default registry (or NPM_CACHE_UPSTREAM) while this machine has internet.
set -euo pipefail

container=${NPM_CACHE_CONTAINER:-playground-npm-cache}
engine_socket=${PLAYGROUND_ENGINE_SOCKET:-/run/playground/engine.sock}
if [ -z "${DOCKER_HOST:-}" ] && [ "${NODE_ISOLATION:-userns}" = userns ]; then export DOCKER_HOST=unix://$engine_socket; fi

say() { printf '[cache] %s\n' "$*" >&2; }
die() { printf '[cache] error: %s\n' "$*" >&2; exit 1; }
usage() { die "usage: npm run cache -- seed FILE|PACKAGE... | status | apt seed PACKAGE... | apt status"; }

# Debian packages: the serving cache stops for the time of the seeding (a
# minute or so), which a container of its own does on the same volume.
if [ "${1:-}" = apt ]; then
  apt_container=${APT_CACHE_CONTAINER:-playground-apt-cache}
  image=$(docker inspect -f '{{.Config.Image}}' "$apt_container" 2>/dev/null) \
    || die "the apt cache ($apt_container) is not there${DOCKER_HOST:+ on $DOCKER_HOST}: run npm run setup first"
  case ${2:-} in
    status) exec docker exec "$apt_container" apt-cache status ;;
    seed) shift 2 ;;
    *) usage ;;
  esac
  [ $# -gt 0 ] || usage
  for p in "$@"; do
    [[ $p =~ ^[a-z0-9][a-z0-9+.-]+$ ]] || die "$p is not a Debian package name"
  done
  docker stop "$apt_container" >/dev/null
  trap 'docker start "$apt_container" >/dev/null' EXIT
  docker run --rm --volumes-from "$apt_container" "$image" apt-cache seed "$@"
  exit
fi

docker inspect -f '{{.State.Running}}' "$container" 2>/dev/null | grep -qx true \
  || die "the npm cache ($container) is not running${DOCKER_HOST:+ on $DOCKER_HOST}: run npm run setup first"

case ${1:-} in
  status) exec docker exec "$container" npm-cache status ;;
  seed) shift ;;
  *) usage ;;
esac
[ $# -gt 0 ] || usage

manifests=$(mktemp -d /tmp/playground-seed.XXXXXX)
trap 'rm -rf "$manifests"' EXIT
specs=()
n=0
for arg in "$@"; do
  case $(basename -- "$arg") in
    requirements*.txt|*.py|Pipfile*|pyproject.toml)
      die "$arg: the playground caches npm packages only; PyPI packages are not cached yet" ;;
  esac
  if [ -f "$arg" ] && [ "$(basename "$arg")" = package.json ]; then
    node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$arg" 2>/dev/null \
      || die "$arg is not valid JSON"
    n=$((n + 1))
    mkdir -p "$manifests/$n"
    # Only what npm needs to resolve the tree: no scripts, workspaces or local paths.
    node -e '
      const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const keep = {};
      for (const k of ["dependencies", "devDependencies", "optionalDependencies", "overrides"]) if (m[k]) keep[k] = m[k];
      for (const k of ["dependencies", "devDependencies", "optionalDependencies"])
        for (const [name, spec] of Object.entries(keep[k] ?? {}))
          if (/^(file:|link:|workspace:|\.|\/)/.test(String(spec))) { console.error(`[cache] leaving out ${name} (${spec}): not on a registry`); delete keep[k][name]; }
      process.stdout.write(JSON.stringify({ private: true, ...keep }));
    ' "$arg" > "$manifests/$n/package.json"
    echo "$arg" > "$manifests/$n/.source"
  elif [ -f "$arg" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      line=${line%%#*}
      line=$(echo "$line" | xargs)
      [ -n "$line" ] && specs+=("$line")
    done < "$arg"
  elif [[ $arg == */* && $arg != @* ]] || [[ $arg == .* ]]; then
    die "$arg: no such file"
  else
    specs+=("$arg")
  fi
done

tar -C "$manifests" -c . | docker exec -i "$container" sh -c 'rm -rf /tmp/npm-seed && mkdir -p /tmp/npm-seed && tar -C /tmp/npm-seed -x'
exec docker exec "$container" npm-cache seed ${specs[@]+"${specs[@]}"}
