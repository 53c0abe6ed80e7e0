/**
 * The image catalog inside a real sandbox, offline: the images lessons use
 * come from the playground's registry under their usual names and behave as
 * their official images do where lessons depend on it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { startServer, type TestServer } from "../support/server";

describe("the image catalog", () => {
  let server: TestServer;
  let session: SessionView;
  /** Runs a shell script in node1 (the script is ours, not user input). */
  const sh = (script: string) => server.exec(session.id, ["sh", "-c", script]);
  /** Fetches a URL inside the node, retrying while the service starts. */
  const fetchInside = (url: string) =>
    sh(`for i in $(seq 1 50); do curl -fsS ${url} && exit 0; sleep 0.2; done; exit 1`);

  before(async () => {
    server = await startServer();
    session = await server.readySession();
  });
  after(async () => {
    await server?.destroy();
  });

  test("docker run -d -p 8080:80 nginx serves nginx's welcome page", async () => {
    const run = await sh("docker run -d -p 8080:80 nginx");
    assert.equal(run.exitCode, 0, run.stderr);
    const page = await fetchInside("localhost:8080");
    assert.equal(page.exitCode, 0, page.stderr);
    assert.match(page.stdout, /Welcome to nginx!/);
    const own = await sh(
      "mkdir -p /root/site && echo '<h1>mine</h1>' > /root/site/index.html && docker run -d -p 8082:80 -v /root/site:/usr/share/nginx/html:ro nginx:alpine",
    );
    assert.equal(own.exitCode, 0, own.stderr);
    assert.match((await fetchInside("localhost:8082")).stdout, /<h1>mine<\/h1>/);
    const logs = await sh("docker logs $(docker ps -q --filter publish=8080)");
    assert.match(logs.stdout + logs.stderr, /GET \/ HTTP/, "access log goes to the container's output");
  });

  test("httpd serves htdocs on port 80", async () => {
    assert.equal((await sh("docker run -d -p 8081:80 httpd:2.4")).exitCode, 0);
    assert.match((await fetchInside("localhost:8081")).stdout, /It works!/);
  });

  test("redis answers PONG", async () => {
    assert.equal((await sh("docker run -d --name cache redis")).exitCode, 0);
    const ping = await sh("for i in $(seq 1 50); do docker exec cache redis-cli ping && exit 0; sleep 0.2; done; exit 1");
    assert.match(ping.stdout, /PONG/);
  });

  test("python and node run code; pip and npm are there", async () => {
    const py = await sh(`docker run --rm python:3-slim python -c "print(6*7)" && docker run --rm python:3 pip --version`);
    assert.equal(py.exitCode, 0, py.stderr);
    assert.match(py.stdout, /^42\n/);
    const node = await sh(`docker run --rm node:20 node -e "console.log(6*7)" && docker run --rm node:lts npm --version`);
    assert.equal(node.exitCode, 0, node.stderr);
    assert.match(node.stdout, /^42\n\d+\.\d+/);
  });

  test("Node.js lines 18 to 26 under Docker Hub's tags, each with npm, yarn 1 and (up to 24) corepack", async () => {
    const tools = `sh -c 'echo "$(node --version) npm $(npm --version) yarn $(yarn --version) corepack $(corepack --version 2>/dev/null || echo none)"'`;
    const r = await sh(
      ["18-alpine", "20-slim", "22", "24-alpine", "lts-alpine", "latest"].map((tag) => `docker run --rm node:${tag} ${tools}`).join(" && "),
    );
    assert.equal(r.exitCode, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.deepEqual(lines.map((l) => l.split(".")[0]), ["v18", "v20", "v22", "v24", "v26", "v26"]);
    for (const line of lines) assert.match(line, /npm \d+\.\d+\.\d+ yarn 1\.22\.\d+ corepack /);
    assert.match(lines[3]!, /corepack 0\.\d+\.\d+$/);
    assert.match(lines[4]!, /corepack none$/, "Node 26 ships without corepack");
    // As in the official image, arguments that are not a command go to node.
    const pinned = /^NODE_VERSION=(.+)$/m.exec(readFileSync("sandbox/images/node/24/build-args", "utf8"))![1]!;
    const args = await sh(`docker run --rm node:24-alpine -p "process.versions.node + ' ' + require('os').userInfo().username" && docker run --rm -u node node:24 whoami`);
    assert.equal(args.stdout, `${pinned} root\nnode\n`, args.stderr);
    const label = await sh(`docker image inspect -f '{{ index .Config.Labels "org.opencontainers.image.description" }}' node:24-alpine`);
    assert.match(label.stdout, new RegExp(`Node\\.js ${pinned.replaceAll(".", "\\.")} .*Debian 13.*alpine and slim tags are this Debian image too`));
  });

  test("a Dockerfile FROM python builds and runs, with pip allowed to install", async () => {
    const r = await sh(`mkdir -p /root/app && cd /root/app \
      && printf 'print("built app")\\n' > app.py \
      && printf 'FROM python:3-slim\\nWORKDIR /app\\nCOPY app.py .\\nCMD ["python", "app.py"]\\n' > Dockerfile \
      && docker build -q -t myapp . >/dev/null && docker run --rm myapp`);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, "built app\n");
    const lock = await sh("docker run --rm python:3 sh -c 'ls /usr/lib/python3*/EXTERNALLY-MANAGED' 2>&1");
    assert.notEqual(lock.exitCode, 0, "pip would refuse to install into the image's Python");
  });

  test("registry:2 inside the sandbox: tag, push to localhost:5000, pull back", async () => {
    const r = await sh(`docker run -d -p 5000:5000 --name myregistry registry:2 >/dev/null \
      && for i in $(seq 1 50); do curl -fsS localhost:5000/v2/ >/dev/null && break; sleep 0.2; done \
      && docker pull -q busybox >/dev/null && docker tag busybox localhost:5000/mybox:1 \
      && docker push -q localhost:5000/mybox:1 >/dev/null && docker rmi localhost:5000/mybox:1 >/dev/null \
      && docker pull -q localhost:5000/mybox:1 && docker run --rm localhost:5000/mybox:1 echo round-trip-ok`);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /round-trip-ok/);
  });

  test("the network toolbox has its tools", async () => {
    const r = await sh("docker run --rm nicolaka/netshoot bash -c 'for tool in curl dig nslookup ping ss tcpdump nc; do command -v $tool; done'");
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.trim().split("\n").length, 7);
  });

  test("a Dockerfile that starts with # syntax=docker/dockerfile:1 builds: heredocs, cache mounts, COPY --link", async () => {
    const r = await sh(`mkdir -p /root/syntax && cd /root/syntax && cat > Dockerfile <<'DOCKERFILE'
# syntax=docker/dockerfile:1
FROM busybox
RUN <<EOT
echo "from a heredoc" > /made.txt
EOT
RUN --mount=type=cache,target=/cache echo cached >> /cache/runs && cp /cache/runs /runs.txt
COPY --link <<EOF /copied.txt
copied inline
EOF
CMD ["cat", "/made.txt", "/copied.txt"]
DOCKERFILE
docker build --progress=plain -t syntax . 2>&1 && docker run --rm syntax`);
    assert.equal(r.exitCode, 0, r.stdout);
    // The frontend named by the syntax line ran (the engine's built-in one knows no heredocs).
    assert.match(r.stdout, /docker-image:\/\/docker\.io\/docker\/dockerfile:1@sha256:[0-9a-f]{64}/);
    assert.match(r.stdout, /from a heredoc\ncopied inline\n$/);
    const newer = await sh(`cd /root/syntax && sed -i 's|dockerfile:1$|dockerfile:1.99|' Dockerfile && docker build -q . 2>&1`);
    assert.notEqual(newer.exitCode, 0);
    // BuildKit asks with HEAD, so the hub's message (the tags it has) cannot reach this error.
    assert.match(newer.stdout, /failed to resolve source metadata for docker\.io\/docker\/dockerfile:1\.99: .*not found/);
  });

  test("an image that is not here fails with a message naming what is", async () => {
    const r = await sh("docker pull no-such-image-in-the-catalog");
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /no-such-image-in-the-catalog is not in this playground's offline catalog, nor on its hub\. Images here: .*\bbusybox\b.*\bnginx\b/);
    assert.match(r.stderr, /push your own to the hub \(docker login, then docker push NAME\/IMAGE\)/);
  });
});
