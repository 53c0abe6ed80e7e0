/**
 * Packages without internet: inner containers and builds in a node resolve the
 * playground's names (their resolver is the node's, not Docker's fallback
 * 8.8.8.8), and npm and yarn in the catalog's Node.js images install from the
 * playground's npm cache, sqlite3's native binary included, with nothing but
 * what setup seeded (the suite runs with NPM_CACHE_UPSTREAM=none). apt in
 * the catalog's Debian images installs from the playground's apt cache, with
 * what setup seeded (APT_CACHE_UPSTREAM=none).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { startServer, type TestServer } from "../support/server";

describe("packages without internet", () => {
  let server: TestServer;
  let session: SessionView;
  const sh = (script: string) => server.exec(session.id, ["sh", "-c", script]);

  before(async () => {
    server = await startServer();
    session = await server.readySession();
  });
  after(async () => {
    await server?.destroy();
  });

  test("inner containers and build steps resolve node1, hub.playground and npm.playground", async () => {
    const run = await sh("docker run --rm busybox sh -c 'cat /etc/resolv.conf; nslookup npm.playground; nslookup hub.playground; nslookup node1' 2>&1");
    assert.equal(run.exitCode, 0, run.stdout);
    assert.doesNotMatch(run.stdout, /8\.8\.8\.8/);
    assert.doesNotMatch(run.stdout, /NXDOMAIN|can't find/);
    const build = await sh(
      "mkdir -p /root/dns && cd /root/dns && printf 'FROM busybox\\nRUN nslookup npm.playground && wget -q -O- http://npm.playground:4873/-/ping\\n' > Dockerfile && docker build --no-cache --progress=plain . 2>&1",
    );
    assert.equal(build.exitCode, 0, build.stdout);
    // A user-defined network (what compose makes) resolves through the same forwarder.
    const compose = await sh("docker network create dnstest >/dev/null && docker run --rm --network dnstest busybox nslookup npm.playground 2>&1; s=$?; docker network rm dnstest >/dev/null; exit $s");
    assert.equal(compose.exitCode, 0, compose.stdout);
  });

  test("npm install in node:24-alpine gets express and sqlite3 from the cache, and sqlite3 works", async () => {
    const r = await sh(
      `docker run --rm node:24-alpine sh -c 'mkdir /app && cd /app && npm init -y >/dev/null && npm install --no-audit --no-fund express sqlite3 2>&1 \
        && node -e "new (require(\\"sqlite3\\").Database)(\\":memory:\\").get(\\"select sqlite_version() AS v\\", (e, row) => console.log(\\"sqlite\\", e ? e.message : row.v))" \
        && node -e "console.log(\\"express\\", require(\\"express/package.json\\").version)"'`
    );
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^sqlite 3\.\d+\.\d+$/m);
    assert.match(r.stdout, /^express 5\.\d+\.\d+$/m);
    // prebuild-install found the binary: node-gyp compiled nothing.
    assert.doesNotMatch(r.stdout, /gyp info|gyp ERR|prebuild-install warn/);
  });

  test("yarn install in node:18-alpine, as the workshop's Dockerfile runs it, from the cache", async () => {
    const r = await sh(
      `mkdir -p /root/yarnapp && cd /root/yarnapp \
       && printf '{"name":"yarnapp","version":"1.0.0","dependencies":{"uuid":"^9.0.1","wait-port":"^1.1.0","sqlite3":"^5.1.7"}}' > package.json \
       && printf 'FROM node:18-alpine\\nWORKDIR /app\\nCOPY . .\\nRUN yarn install --production\\nCMD ["node", "-e", "require(\\\\"sqlite3\\\\"); console.log(require(\\\\"uuid\\\\").v4().length)"]\\n' > Dockerfile \
       && docker build -q -t yarnapp . >/dev/null && docker run --rm yarnapp`
    );
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.trim(), "36");
  });

  test("a package the cache does not hold fails with npm's 404 from npm.playground, not a hang on the internet", async () => {
    const r = await sh("docker run --rm node:24 sh -c 'cd /tmp && npm install --no-audit --no-fund playground-no-such-package-4f1c 2>&1'");
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stdout, /404/);
    assert.match(r.stdout, /npm\.playground/);
  });

  test("apt-get install in an inner container and in a build step comes from the apt cache", async () => {
    const run = await sh("docker run --rm debian sh -c 'apt-get update -q && apt-get install -y -q jq && echo {\\\"a\\\":1} | jq .a' 2>&1");
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /^1$/m);
    // apt's proxy is the cache (the next test shows that nothing else answers).
    const proxy = await sh("docker run --rm debian /usr/local/lib/playground/apt-proxy");
    assert.equal(proxy.stdout.trim(), "http://apt.playground:3142");
    const build = await sh(
      "mkdir -p /root/apt && cd /root/apt && printf 'FROM python:3\\nRUN apt-get update && apt-get install -y curl git && curl --version && git --version\\n' > Dockerfile && docker build --no-cache --progress=plain . 2>&1",
    );
    assert.equal(build.exitCode, 0, build.stdout);
    assert.match(build.stdout, /git version/);
    // The node itself (a Debian machine) uses it too.
    const node = await sh("apt-get update -q >/dev/null && apt-get install -y -q tree >/dev/null 2>&1 && tree --version");
    assert.equal(node.exitCode, 0, node.stdout + node.stderr);
  });

  test("a Debian package the apt cache does not hold fails with its offline answer, not a hang on the internet", async () => {
    const r = await sh("docker run --rm debian sh -c 'apt-get update -q >/dev/null && apt-get install -y -q figlet' 2>&1");
    assert.notEqual(r.exitCode, 0, r.stdout);
    assert.match(r.stdout, /503\s+Unable to download in offline mode/);
  });

  test("the apt cache is no proxy to anywhere else: other addresses and tunnels are refused", async () => {
    // node1's own engine API, say: the cache must not be a way to what the session cannot reach.
    const plain = await sh("curl -s -o /dev/null -w '%{http_code}' -x http://apt.playground:3142 http://node1:2375/version");
    assert.equal(plain.stdout, "403", plain.stdout + plain.stderr);
    const tunnel = await sh("curl -s -S -o /dev/null -x http://apt.playground:3142 https://node1:2375/version 2>&1");
    assert.notEqual(tunnel.exitCode, 0);
    assert.match(tunnel.stdout, /CONNECT tunnel failed, response 403/);
  });

  test("npm run cache: status answers, for npm and apt; Python files, missing files and bad names are refused with the reason", () => {
    const dir = mkdtempSync(join(tmpdir(), "cache-seed-"));
    try {
      const cache = (...args: string[]) => spawnSync("bash", ["scripts/cache.sh", ...args], { encoding: "utf8", env: process.env });
      const status = cache("status");
      assert.equal(status.status, 0, status.stderr);
      assert.match(status.stderr, /the cache holds \d+ packages/);
      writeFileSync(join(dir, "requirements.txt"), "flask\n");
      const python = cache("seed", join(dir, "requirements.txt"));
      assert.notEqual(python.status, 0);
      assert.match(python.stderr, /npm packages only; PyPI packages are not cached yet/);
      writeFileSync(join(dir, "package.json"), "{ not json");
      const bad = cache("seed", join(dir, "package.json"));
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /is not valid JSON/);
      const missing = cache("seed", "./nowhere/package.json");
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /no such file/);
      assert.notEqual(cache("frobnicate").status, 0);
      // The apt cache's side.
      const apt = cache("apt", "status");
      assert.equal(apt.status, 0, apt.stderr);
      assert.match(apt.stdout, /^\d+ packages, /);
      const badName = cache("apt", "seed", "Not A Package");
      assert.notEqual(badName.status, 0);
      assert.match(badName.stderr, /is not a Debian package name/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
