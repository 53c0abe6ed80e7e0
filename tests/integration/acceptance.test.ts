/**
 * The acceptance projects (tests/acceptance) inside a real sandbox, offline:
 * copied into node1 and run as a learner would.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { nodeContainer, startServer, type TestServer } from "../support/server";

const projects = join(__dirname, "..", "acceptance");

describe("acceptance projects", () => {
  let server: TestServer;
  let session: SessionView;
  const sh = (script: string) => server.exec(session.id, ["sh", "-c", script]);
  const fetchInside = (url: string) => sh(`for i in $(seq 1 75); do curl -fsS ${url} && exit 0; sleep 0.2; done; exit 1`);

  before(async () => {
    server = await startServer();
    session = await server.readySession();
    // As a learner would drop files in: a tar of the projects into /root/projects.
    const tar = execFileSync("tar", ["-C", projects, "-c", "."]);
    await server.exec(session.id, ["mkdir", "-p", "/root/projects"]);
    await nodeContainer(server.instance, session.id).putArchive(tar, { path: "/root/projects" });
  });
  after(async () => {
    await server?.destroy();
  });

  test("compose: two nginx services on two host ports, ps, logs, down --volumes", async () => {
    const up = await sh("cd /root/projects/two-nginx && docker compose up -d 2>&1");
    assert.equal(up.exitCode, 0, up.stdout);
    assert.match((await fetchInside("localhost:8001")).stdout, /blue site/);
    assert.match((await fetchInside("localhost:8002")).stdout, /green site/);
    const ps = await sh("cd /root/projects/two-nginx && docker compose ps --format '{{.Service}} {{.State}}'");
    assert.match(ps.stdout, /blue running/);
    assert.match(ps.stdout, /green running/);
    const logs = await sh("cd /root/projects/two-nginx && docker compose logs blue");
    assert.match(logs.stdout, /GET \/ HTTP/);
    const down = await sh("cd /root/projects/two-nginx && docker compose down --volumes 2>&1 && docker ps -q | wc -l");
    assert.equal(down.exitCode, 0, down.stdout);
    assert.match(down.stdout, /^0$/m);
  });

  test("compose: WordPress with MySQL 5.7 reaches WordPress's install page", async () => {
    const up = await sh("cd /root/projects/wordpress && docker compose up -d 2>&1");
    assert.equal(up.exitCode, 0, up.stdout);
    // The database initialises first; WordPress answers with its installer once it can connect.
    const page = await sh(
      "for i in $(seq 1 150); do curl -fsSL localhost:8000/ 2>/dev/null | grep -q 'wp-admin/install.php\\|Welcome' && { curl -fsSL localhost:8000/wp-admin/install.php; exit 0; }; sleep 0.4; done; exit 1",
    );
    assert.equal(page.exitCode, 0, (await sh("cd /root/projects/wordpress && docker compose logs --tail 30 2>&1")).stdout);
    assert.match(page.stdout, /WordPress/);
    assert.match(page.stdout, /install/i);
    const volume = await sh("docker volume ls --format '{{.Name}}'");
    assert.match(volume.stdout, /wordpress_db_data/);
    const mysql = await sh("cd /root/projects/wordpress && docker compose exec -T db mysql -uwordpress -p\"it's a secret\" -e 'SELECT 1 AS ok' wordpress");
    assert.match(mysql.stdout, /ok\s+1/);
    assert.equal((await sh("cd /root/projects/wordpress && docker compose down --volumes 2>&1")).exitCode, 0);
  });

  test("compose watch: an edited file reaches the running container", async () => {
    const up = await sh("cd /root/projects/watch && docker compose up -d 2>&1");
    assert.equal(up.exitCode, 0, up.stdout);
    assert.match((await fetchInside("localhost:8003")).stdout, /version one/);
    await sh("cd /root/projects/watch && (nohup docker compose watch > /tmp/watch.log 2>&1 &)");
    const watching = await sh("for i in $(seq 1 75); do grep -q 'Watch enabled' /tmp/watch.log && exit 0; sleep 0.2; done; cat /tmp/watch.log; exit 1");
    assert.equal(watching.exitCode, 0, watching.stdout);
    await sh("echo '<h1>version two</h1>' > /root/projects/watch/site/index.html");
    const synced = await sh("for i in $(seq 1 75); do curl -fsS localhost:8003 | grep -q 'version two' && exit 0; sleep 0.2; done; cat /tmp/watch.log; exit 1");
    assert.equal(synced.exitCode, 0, synced.stdout);
    await sh("pkill -f '^docker compose watch'; cd /root/projects/watch && docker compose down 2>&1");
  });

  test("postgres takes its password, user and database from the environment", async () => {
    const r = await sh(`docker run -d --name pg -e POSTGRES_PASSWORD=pw -e POSTGRES_USER=app -e POSTGRES_DB=shop postgres:17 >/dev/null \
      && for i in $(seq 1 100); do docker exec pg pg_isready -h 127.0.0.1 -U app -d shop >/dev/null 2>&1 && break; sleep 0.3; done \
      && docker exec -e PGPASSWORD=pw pg psql -h 127.0.0.1 -U app -d shop -tAc 'select current_user, current_database()'`);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /app\|shop/);
    const missing = await sh("docker run --rm postgres 2>&1");
    assert.notEqual(missing.exitCode, 0);
    assert.match(missing.stdout, /POSTGRES_PASSWORD/);
  });

  test("a node app builds FROM node and serves", async () => {
    const r = await sh("cd /root/projects/node-app && docker build -q -t node-app . && docker run -d -p 3000:3000 node-app");
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match((await fetchInside("localhost:3000")).stdout, /hello from node v20\./);
  });

  test("a python app builds FROM python and serves", async () => {
    const r = await sh("cd /root/projects/python-app && docker build -q -t python-app . && docker run -d -p 5001:5000 python-app");
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match((await fetchInside("localhost:5001")).stdout, /hello from python 3\.\d+/);
  });

  test("rebuilding uses the layer cache; a changed file rebuilds only from its layer", async () => {
    const again = await sh("cd /root/projects/node-app && docker build --progress=plain -t node-app . 2>&1");
    assert.equal(again.exitCode, 0, again.stdout);
    assert.match(again.stdout, /RUN npm install[^\n]*\n[^\n]*CACHED/);
    const changed = await sh(
      "cd /root/projects/node-app && echo '// changed' >> server.js && docker build --progress=plain -t node-app . 2>&1",
    );
    assert.equal(changed.exitCode, 0, changed.stdout);
    assert.match(changed.stdout, /RUN npm install[^\n]*\n[^\n]*CACHED/, "the dependency layer stays cached");
    assert.match(changed.stdout, /COPY server\.js[^\n]*\n(?![^\n]*CACHED)/, "the changed file's layer is rebuilt");
  });

  test("a multi-stage build: built with node, served by nginx, no node in the final image", async () => {
    const r = await sh("cd /root/projects/multi-stage && docker build -q -t site . && docker run -d -p 8090:80 site");
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match((await fetchInside("localhost:8090")).stdout, /built by node v20\.[\d.]+, served by nginx/);
    const node = await sh("docker run --rm site sh -c 'command -v node'");
    assert.notEqual(node.exitCode, 0, "node is in the final image");
  });
});
