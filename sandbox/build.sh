#!/usr/bin/env bash
# Builds every image the playground needs on the host's engine, reusing each
# one while its definition is unchanged, then (re)starts the playground's
# registry and seeds it with the catalog. Safe to run again at any time.
#
# Works without any registry: the Debian base image is pulled when a registry
# answers and otherwise made here with debootstrap.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
base_image=${PLAYGROUND_BASE_IMAGE:-playground/debian:trixie}
sandbox_image=${SANDBOX_IMAGE:-playground/sandbox:latest}
registry_image=playground/registry:latest
registry_container=${REGISTRY_CONTAINER:-playground-registry}
registry_port=${REGISTRY_HOST_PORT:-5050}
registry_volume=${REGISTRY_VOLUME:-playground-registry-data}
registry_upstream=${REGISTRY_UPSTREAM_URL:-}
npm_cache_image=playground/npm-cache:latest
npm_cache_container=${NPM_CACHE_CONTAINER:-playground-npm-cache}
npm_cache_upstream=${NPM_CACHE_UPSTREAM:-}
apt_cache_image=playground/apt-cache:latest
apt_cache_container=${APT_CACHE_CONTAINER:-playground-apt-cache}
apt_cache_upstream=${APT_CACHE_UPSTREAM:-}
# The hub's settings (sandbox/registry/hub.mjs), passed on when set.
hub_env=()
for v in HUB_NAMESPACE_MB HUB_TOTAL_MB HUB_KEEP_HOURS; do
  [ -n "${!v:-}" ] && hub_env+=(-e "$v=${!v}")
done

say() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] error: %s\n' "$*" >&2; exit 1; }

label_of() { # image label -> value, empty when the image or label is missing
  docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null | sed 's/^<no value>$//'
}

# A digest of a folder's files (names and contents) plus extra words.
digest_of() {
  local dir=$1; shift
  { (cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum); printf '%s\n' "$@"; } \
    | sha256sum | cut -c1-16
}

# Bump when the way Debian's image is made changes: images built on an older base are rebuilt.
base_recipe=2
# Debian as made below; the base is it plus sandbox/base.
raw_image=${base_image%:*}-raw:${base_image##*:}

ensure_base() {
  local want
  want="$base_recipe-$(digest_of "$here/base")"
  if [ "$(label_of "$base_image" playground.base)" = "$want" ]; then return; fi
  ensure_raw
  say "making the base image $base_image (Debian and sandbox/base)"
  docker build -q --build-arg "RAW=$raw_image" --label "playground.base=$want" -t "$base_image" "$here/base" >/tmp/playground-build-base.log 2>&1 \
    || { tail -n 20 /tmp/playground-build-base.log >&2; die "building $base_image from sandbox/base failed"; }
}

ensure_raw() {
  if [ "$(label_of "$raw_image" playground.base)" = "$base_recipe" ]; then return; fi
  # A base of before sandbox/base is Debian as made here: kept, rather than made again.
  if [ "$(label_of "$base_image" playground.base)" = "$base_recipe" ]; then
    docker tag "$base_image" "$raw_image"
    return
  fi
  say "making Debian's image $raw_image: trying a registry first"
  if timeout 120 docker pull -q debian:trixie-slim >/dev/null 2>&1; then
    printf 'FROM debian:trixie-slim\nLABEL playground.base=%s\n' "$base_recipe" | docker build -q -t "$raw_image" - >/dev/null
    return
  fi
  if [ -n "${PLAYGROUND_IN_CONTAINER:-}" ]; then
    die "no registry answered and $raw_image is missing. Offline, make the images on the host once first:
  sudo bash sandbox/build.sh   (or npm run setup), then docker compose up again"
  fi
  say "no registry answered: making Debian 13 with debootstrap (about 30 s)"
  [ "$(id -u)" = 0 ] || die "debootstrap needs root; run this once as root, or make $base_image yourself"
  if ! command -v debootstrap >/dev/null; then
    command -v apt-get >/dev/null || die "debootstrap is missing and there is no apt-get to install it"
    apt-get install -y -q debootstrap >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q debootstrap >/dev/null; }
  fi
  local root
  root=$(mktemp -d /tmp/playground-rootfs.XXXXXX)
  trap 'rm -rf "$root"' RETURN
  debootstrap --variant=minbase trixie "$root" >/tmp/playground-debootstrap.log 2>&1 \
    || die "debootstrap failed; see /tmp/playground-debootstrap.log"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*
  # As in Debian's own container images: apt keeps no package caches in image layers.
  cat > "$root/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
  tar -C "$root" -c . | docker import \
    --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' --change "LABEL playground.base=$base_recipe" \
    --change 'LABEL org.opencontainers.image.description="Debian 13 (trixie), minbase, made by debootstrap"' \
    - "$raw_image" >/dev/null
}

# build NAME DIR [ARGS-FILE]: builds DIR/Dockerfile as NAME unless NAME was
# built from the same files; ARGS-FILE's KEY=VALUE lines are build arguments.
build() {
  local name=$1 dir=$2 args_file=${3:-} hash line build_args=()
  if [ -n "$args_file" ]; then
    while read -r line; do [ -n "$line" ] && build_args+=(--build-arg "$line"); done < "$args_file"
  fi
  hash=$(digest_of "$dir" "$(docker image inspect -f '{{.Id}}' "$base_image")" "${build_args[@]}")
  if [ "$(label_of "$name" playground.hash)" = "$hash" ]; then
    say "$name is up to date"
    return
  fi
  say "building $name"
  local log=/tmp/playground-build-${name//[^a-z0-9]/-}.log context
  # The folder, plus this host's CA bundle as host-roots.crt: downloads made
  # in a build (the node lines' npm pack) trust what the host trusts, a
  # TLS-inspecting proxy's CA included. Images never keep it.
  context=$(mktemp -d /tmp/playground-context.XXXXXX)
  cp -a "$dir/." "$context/"
  cat /etc/ssl/certs/ca-certificates.crt >"$context/host-roots.crt" 2>/dev/null || : >"$context/host-roots.crt"
  docker build --build-arg "BASE=$base_image" "${build_args[@]}" --label "playground.hash=$hash" -t "$name" "$context" >"$log" 2>&1 \
    || { rm -rf "$context"; tail -n 30 "$log" >&2; die "building $name failed (whole log: $log)"; }
  rm -rf "$context"
}

# wait_for_registry CONTAINER: until it accepts connections.
wait_for_registry() {
  for _ in $(seq 1 100); do
    docker exec "$1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/5000' 2>/dev/null && return
    sleep 0.1
  done
  die "the registry did not start; see: docker logs $1"
}

# seed_catalog REF=IMAGE...: pushes each image into the registry's volume under
# Docker Hub's official name, through a writable registry on loopback.
seed_catalog() {
  local seeder=playground-registry-seed pair
  docker rm -f "$seeder" >/dev/null 2>&1 || true
  docker run -d --name "$seeder" -p "127.0.0.1:$registry_port:5000" \
    -v "$registry_volume:/var/lib/docker-registry" "$registry_image" \
    /usr/bin/docker-registry serve /etc/docker/registry/seed.yml >/dev/null
  wait_for_registry "$seeder"
  local repos=()
  for pair in "$@"; do
    local ref=${pair%%=*} src=${pair#*=} repo
    # Official images live under library/ on Docker Hub; others keep their owner.
    case $ref in */*) repo=$ref ;; *) repo=library/$ref ;; esac
    docker tag "$src" "127.0.0.1:$registry_port/$repo"
    docker push -q "127.0.0.1:$registry_port/$repo" >/dev/null \
      || { docker rm -f "$seeder" >/dev/null; die "pushing $ref into the registry failed"; }
    docker rmi "127.0.0.1:$registry_port/$repo" >/dev/null
    repos+=("${repo%%:*}")
  done
  # The hub (sandbox/registry/hub.mjs) tells the catalog's repositories from pushed ones by this list.
  printf '%s\n' "${repos[@]}" | sort -u | docker exec -i "$seeder" sh -c 'cat > /var/lib/docker-registry/catalog.list'
  docker rm -f "$seeder" >/dev/null
}

# ensure_registry CATALOG...: the serving registry, recreated (and the catalog
# pushed again) only when the registry image, the mode or the catalog changed.
ensure_registry() {
  local want current pair ids=""
  for pair in "$@"; do ids+="${pair%%=*}=$(docker image inspect -f '{{.Id}}' "${pair#*=}") "; done
  want=$( { docker image inspect -f '{{.Id}}' "$registry_image"; echo "$registry_upstream $ids ${hub_env[*]}"; } | sha256sum | cut -c1-16)
  current=$(docker inspect -f '{{ index .Config.Labels "playground.config" }} {{ .State.Running }}' "$registry_container" 2>/dev/null || true)
  if [ "$current" = "$want true" ]; then
    say "the registry is up to date"
    return
  fi
  docker rm -f "$registry_container" >/dev/null 2>&1 || true
  say "seeding the registry with $# names"
  seed_catalog "$@"
  # The hub's gateway in front (sandbox/registry/hub.mjs): the server reads the labels.
  local args=(--label playground.hub=on "${hub_env[@]}")
  if [ -n "$registry_upstream" ]; then
    say "Docker Hub's names come from $registry_upstream first (online mode); the hub is hub.playground"
    args+=(--label playground.hub.online=on -e "REGISTRY_UPSTREAM_URL=$registry_upstream")
  fi
  # Not published on the host: sandboxes reach it on their session network.
  docker run -d --name "$registry_container" --restart unless-stopped \
    --label playground.role=registry --label "playground.config=$want" \
    -v "$registry_volume:/var/lib/docker-registry" \
    --memory 256m --pids-limit 200 "${args[@]}" "$registry_image" >/dev/null
  wait_for_registry "$registry_container"
}

# ensure_npm_cache: the npm cache (sandbox/cache), recreated when its image or
# upstream changed, then seeded with what the apps nodes ship need
# (sandbox/node/apps/*/package.json) and sandbox/cache/seed/*.json, unless the
# same manifests were seeded into its volume before.
ensure_npm_cache() {
  local want current seeded
  want=$( { docker image inspect -f '{{.Id}}' "$npm_cache_image"; echo "$npm_cache_upstream"; } | sha256sum | cut -c1-16)
  current=$(docker inspect -f '{{ index .Config.Labels "playground.config" }} {{ .State.Running }}' "$npm_cache_container" 2>/dev/null || true)
  if [ "$current" = "$want true" ]; then
    say "the npm cache is up to date"
  else
    say "starting $npm_cache_container${npm_cache_upstream:+ (upstream: $npm_cache_upstream)}"
    docker rm -f "$npm_cache_container" >/dev/null 2>&1 || true
    # Not published on the host: sandboxes reach it on their session network.
    docker create --name "$npm_cache_container" --restart unless-stopped \
      --label playground.role=npm-cache --label "playground.config=$want" \
      -v playground-npm-cache:/var/lib/npm-cache -e "NPM_CACHE_UPSTREAM=$npm_cache_upstream" \
      --memory 512m --pids-limit 300 "$npm_cache_image" >/dev/null
    # What this host trusts, for the upstream behind a TLS-inspecting proxy.
    if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
      local roots
      roots=$(mktemp -d /tmp/playground-roots.XXXXXX)
      mkdir -p "$roots/npm-cache" && cp /etc/ssl/certs/ca-certificates.crt "$roots/npm-cache/host-roots.crt"
      docker cp "$roots/npm-cache" "$npm_cache_container:/etc/" >/dev/null
      rm -rf "$roots"
    fi
    docker start "$npm_cache_container" >/dev/null
    for _ in $(seq 1 100); do
      docker exec "$npm_cache_container" curl -sf -o /dev/null http://127.0.0.1:4873/-/ping 2>/dev/null && break
      sleep 0.2
    done
    docker exec "$npm_cache_container" curl -sf -o /dev/null http://127.0.0.1:4873/-/ping \
      || die "the npm cache did not start; see: docker logs $npm_cache_container"
  fi
  # A new cache image (a new way of seeding) seeds again too.
  seeded=$( { docker image inspect -f '{{.Id}}' "$npm_cache_image"; cat "$here"/cache/seed/*.json "$here"/node/apps/*/package.json; } | sha256sum | cut -c1-16)
  if docker exec "$npm_cache_container" test -e "/var/lib/npm-cache/seeded-$seeded"; then return; fi
  say "seeding the npm cache with what sandbox/cache/seed and the nodes' apps need"
  local manifests f
  manifests=$(mktemp -d /tmp/playground-seed.XXXXXX)
  local n=0
  for f in "$here"/cache/seed/*.json "$here"/node/apps/*/package.json; do
    n=$((n + 1))
    mkdir -p "$manifests/$n" && cp "$f" "$manifests/$n/package.json"
    echo "sandbox/${f#"$here"/}" > "$manifests/$n/.source"
  done
  tar -C "$manifests" -c . | docker exec -i "$npm_cache_container" sh -c 'rm -rf /tmp/npm-seed && mkdir -p /tmp/npm-seed && tar -C /tmp/npm-seed -x'
  rm -rf "$manifests"
  if docker exec "$npm_cache_container" npm-cache seed; then
    docker exec "$npm_cache_container" sh -c "rm -f /var/lib/npm-cache/seeded-* && touch /var/lib/npm-cache/seeded-$seeded"
  else
    say "warning: the npm cache could not be seeded (no npm registry reachable?): npm install in sessions gets only what it holds"
  fi
}

# The top-level Dockerfile (docker compose) starts from debian:trixie-slim.
# Offline, where that cannot be pulled, the Debian 13 made above stands in
# for it under the same name; a pulled one is never replaced.
# ensure_apt_cache: the apt cache (sandbox/apt-cache), seeded once per seed
# list (it is in the image) from Debian's mirrors, by a container of its own
# on the cache's volume while the serving one is stopped; then served,
# offline when APT_CACHE_UPSTREAM=none.
ensure_apt_cache() {
  local want current seeded volume=playground-apt-cache
  want=$( { docker image inspect -f '{{.Id}}' "$apt_cache_image"; echo "$apt_cache_upstream"; } | sha256sum | cut -c1-16)
  seeded=$(docker image inspect -f '{{.Id}}' "$apt_cache_image" | sha256sum | cut -c1-16)
  if ! docker run --rm -v "$volume:/var/cache/apt-cacher-ng" "$apt_cache_image" test -e "/var/cache/apt-cacher-ng/seeded-$seeded"; then
    say "seeding the apt cache with sandbox/apt-cache/seed.txt from Debian's mirrors"
    docker stop "$apt_cache_container" >/dev/null 2>&1 || true
    if docker run --rm -v "$volume:/var/cache/apt-cacher-ng" "$apt_cache_image" \
      sh -c "apt-cache seed && rm -f /var/cache/apt-cacher-ng/seeded-* && touch /var/cache/apt-cacher-ng/seeded-$seeded"; then
      :
    else
      say "warning: the apt cache could not be seeded (no Debian mirror reachable?): apt-get install in sessions gets only what it holds"
    fi
  fi
  current=$(docker inspect -f '{{ index .Config.Labels "playground.config" }} {{ .State.Running }}' "$apt_cache_container" 2>/dev/null || true)
  if [ "$current" = "$want true" ]; then
    say "the apt cache is up to date"
    return
  fi
  if [ "${current% *}" = "$want" ]; then
    docker start "$apt_cache_container" >/dev/null
  else
    say "starting $apt_cache_container${apt_cache_upstream:+ (upstream: $apt_cache_upstream)}"
    docker rm -f "$apt_cache_container" >/dev/null 2>&1 || true
    # Not published on the host: sandboxes reach it on their session network.
    docker run -d --name "$apt_cache_container" --restart unless-stopped \
      --label playground.role=apt-cache --label "playground.config=$want" \
      -v "$volume:/var/cache/apt-cacher-ng" -e "APT_CACHE_UPSTREAM=$apt_cache_upstream" \
      --memory 256m --pids-limit 200 "$apt_cache_image" >/dev/null
  fi
  for _ in $(seq 1 100); do
    docker exec "$apt_cache_container" bash -c 'exec 3<>/dev/tcp/127.0.0.1/3142' 2>/dev/null && return
    sleep 0.1
  done
  die "the apt cache did not start; see: docker logs $apt_cache_container"
}

ensure_debian_name() {
  docker image inspect debian:trixie-slim >/dev/null 2>&1 && return
  say "tagging $base_image as debian:trixie-slim for the compose build"
  docker tag "$base_image" debian:trixie-slim
}

ensure_base
ensure_debian_name
build "$sandbox_image" "$here/node"
build "$registry_image" "$here/registry"
# PLAYGROUND_NPM_CACHE=no leaves the npm cache out (the tests' smoke on the host's engine).
with_npm_cache=${PLAYGROUND_NPM_CACHE:-yes}
[ "$with_npm_cache" = no ] || build "$npm_cache_image" "$here/cache"
# PLAYGROUND_APT_CACHE=no leaves the apt cache out (the same smoke).
with_apt_cache=${PLAYGROUND_APT_CACHE:-yes}
[ "$with_apt_cache" = no ] || build "$apt_cache_image" "$here/apt-cache"

# The catalog: every folder of sandbox/images is an image, served under the
# names its `tags` file lists (one per line; Docker Hub's official names). A
# folder without one has a subfolder per release line (node): each has its
# `tags` and the `build-args` its image is built with from the shared Dockerfile.
catalog=()
add_tags() { # TAGS-FILE IMAGE
  local ref
  while read -r ref; do [ -n "$ref" ] && catalog+=("$ref=$2"); done < "$1"
}
# PLAYGROUND_CATALOG (folder names, space-separated) builds only those, as the tests' smoke runs do.
only=${PLAYGROUND_CATALOG:-}
for dir in "$here"/images/*/; do
  name=$(basename "$dir")
  if [ -n "$only" ] && [[ " $only " != *" $name "* ]]; then continue; fi
  [ -f "$dir/Dockerfile" ] || die "sandbox/images/$name needs a Dockerfile"
  if [ -f "$dir/tags" ]; then
    build "playground/catalog-$name" "$dir"
    add_tags "$dir/tags" "playground/catalog-$name"
    continue
  fi
  lines=0
  for line in "$dir"*/; do
    [ -f "$line/tags" ] && [ -f "$line/build-args" ] || continue
    build "playground/catalog-$name-$(basename "$line")" "$dir" "$line/build-args"
    add_tags "$line/tags" "playground/catalog-$name-$(basename "$line")"
    lines=$((lines + 1))
  done
  [ "$lines" -gt 0 ] || die "sandbox/images/$name needs a tags file, or subfolders with tags and build-args"
done
ensure_registry "${catalog[@]}"
[ "$with_npm_cache" = no ] || ensure_npm_cache
[ "$with_apt_cache" = no ] || ensure_apt_cache
