# The playground as containers, for `docker compose up` (see compose.yaml and
# the README's "Deploy with Docker Compose"). Three targets:
#   setup  the image bootstrap (sandbox/build.sh), run once per `up` through
#          the host engine's socket
#   build  Node packages and `next build` (not kept)
#   app    the web app: Debian's Node.js, the production packages and the
#          build output; installs the host firewall rules, then runs the
#          server as an unprivileged user
# Every stage starts from Debian 13. With internet it is Docker Hub's
# debian:trixie-slim; offline, `bash sandbox/build.sh` makes an equivalent one
# with debootstrap and gives it that name. The setup target comes first: the
# classic builder runs every stage before the one it is asked for.
ARG BASE=debian:trixie-slim

FROM ${BASE} AS setup
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-cli \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/playground
COPY sandbox/ sandbox/
ENV PLAYGROUND_IN_CONTAINER=1
CMD ["bash", "sandbox/build.sh"]

FROM ${BASE} AS node
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/*

FROM node AS build
# npm, and what node-gyp needs to compile node-pty.
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
# Certificates of a proxy that intercepts TLS on the way to the npm registry,
# if there is one (see deploy/ca-certificates/README.md).
COPY deploy/ca-certificates/ /tmp/ca-certificates/
COPY package.json package-lock.json ./
RUN cat /tmp/ca-certificates/*.pem /tmp/ca-certificates/*.crt > /tmp/extra-ca.pem 2>/dev/null || true; \
    if [ -s /tmp/extra-ca.pem ]; then export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; fi; \
    npm ci --no-audit --no-fund --loglevel=error
COPY app app/
COPY lib lib/
COPY server.ts next.config.ts postcss.config.mjs tsconfig.json ./
# The server then needs neither TypeScript nor SWC for its config: it loads
# next.config.mjs, compiled here. npm keeps optional peers of next's
# (typescript, playwright) and other platforms' builds; none of them runs.
RUN npx next build \
 && node_modules/.bin/esbuild next.config.ts --format=esm --log-level=warning --outfile=next.config.mjs \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=error \
 && rm -rf .next/cache node_modules/@next/swc-* node_modules/typescript node_modules/@types \
      node_modules/@playwright node_modules/playwright node_modules/playwright-core node_modules/monaco-editor \
      node_modules/node-pty/prebuilds node_modules/@*/*musl*

FROM node AS app
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends iptables \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1000 --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin playground
WORKDIR /app
COPY --from=build /src/package.json /src/server.ts /src/next.config.mjs /src/tsconfig.json ./
COPY --from=build /src/lib lib/
COPY --from=build /src/node_modules node_modules/
COPY --from=build /src/.next .next/
RUN mkdir .next/cache .data && chown playground: .next/cache .data
COPY sandbox/firewall.sh /usr/local/lib/playground/
COPY deploy/app-entrypoint.sh /usr/local/bin/playground-app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
EXPOSE 3000
# Starts as root to install the firewall rules and join the Docker socket's
# group, then runs the server as the playground user (deploy/app-entrypoint.sh).
ENTRYPOINT ["/usr/local/bin/playground-app"]
CMD ["node", "--import", "tsx", "server.ts"]
