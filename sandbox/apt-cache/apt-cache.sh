#!/bin/bash
# The playground's apt cache (apt-cacher-ng).
#   apt-cache serve          serves on :3142, in the foreground; with
#                            APT_CACHE_UPSTREAM=none only what it holds
#                            (offline), otherwise it fetches what it lacks
#                            from Debian's mirrors and keeps it
#   apt-cache seed [PKG...]  fetches the packages (by default the seed list,
#                            /usr/share/playground/apt-seed.txt) and all they
#                            depend on, with the index files apt-get update
#                            reads, through a cache of its own on loopback:
#                            run it in a container of its own on the cache's
#                            volume while the serving one is stopped
#   apt-cache status         what it holds
# Debian's suite is this image's own, which is the catalog's.
set -euo pipefail
cache=/var/cache/apt-cacher-ng
say() { printf '[apt-cache] %s\n' "$*" >&2; }

# Only the repositories it knows from its own lists (ForceManaged) and no
# CONNECT tunnels: it is a cache of Debian, never a general proxy to the
# internet, so EGRESS=off still holds.
acng=(/usr/sbin/apt-cacher-ng -c /etc/apt-cacher-ng ForeGround=1 ForceManaged=1 "PassThroughPattern=^$"
  "CacheDir=$cache" LogDir=/var/log/apt-cacher-ng)

case ${1:-serve} in
  serve)
    mode=()
    if [ "${APT_CACHE_UPSTREAM:-}" = none ]; then
      mode=(Offlinemode=1)
      say "serving offline: only what the cache holds"
    else
      say "serving, with Debian's mirrors behind"
    fi
    exec "${acng[@]}" "${mode[@]}"
    ;;
  seed)
    shift
    packages=("$@")
    if [ ${#packages[@]} -eq 0 ]; then
      mapfile -t packages < <(sed 's/#.*//' /usr/share/playground/apt-seed.txt | tr -s ' \t' '\n' | grep .)
    fi
    "${acng[@]}" Port=3143 BindAddress=127.0.0.1 &
    daemon=$!
    trap 'kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null || true' EXIT
    for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/3143) 2>/dev/null && break; sleep 0.1; done
    # apt with a state of its own, as if nothing were installed: a learner's
    # image may lack what this one has, so every dependency is fetched, and
    # what they recommend, which apt-get install takes by default.
    state=$(mktemp -d)
    mkdir -p "$state/lists/partial" "$state/archives/partial"
    : > "$state/status"
    opts=(-o Acquire::http::Proxy=http://127.0.0.1:3143 -o Acquire::http::Proxy-Auto-Detect=
      -o Dir::State::Lists="$state/lists" -o Dir::State::status="$state/status"
      -o Dir::Cache::Archives="$state/archives" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
      -o Debug::NoLocking=1 -o APT::Sandbox::User=root -q)
    apt-get "${opts[@]}" update >/dev/null
    say "fetching ${#packages[@]} packages and what they depend on"
    DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" install -y --download-only "${packages[@]}" >/dev/null
    say "the cache holds $(find "$cache" -name '*.deb' | wc -l) packages, $(du -sh "$cache" | cut -f1)"
    rm -rf "$state"
    ;;
  status)
    echo "$(find "$cache" -name '*.deb' | wc -l) packages, $(du -sh "$cache" | cut -f1)"
    ;;
  *)
    echo "usage: apt-cache serve | seed [PACKAGE...] | status" >&2
    exit 2
    ;;
esac
