/**
 * The commands of the notes this project started from, typed as printed, on
 * a playground with no internet: pull, images, build, push under one's own
 * name (and run it in another session), commit, compose up, watch and down
 * --volumes. `docker pull ubuntu`, their first command, gets the playground's
 * refusal: no honest source of Ubuntu's image exists offline.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { startServer, type TestServer } from "../support/server";

describe("the seed notes' commands", () => {
  let server: TestServer;
  let mine: SessionView;
  let theirs: SessionView;
  // A name of this run's own: names stay claimed for the life of the hub's data.
  const user = `learner${randomBytes(3).toString("hex")}`;
  const sh = (session: SessionView, script: string) => server.exec(session.id, ["sh", "-c", script]);
  /** Retries a command for up to 15 s, for a service that is starting. */
  const until = (session: SessionView, command: string) =>
    sh(session, `for i in $(seq 1 75); do ${command} && exit 0; sleep 0.2; done; exit 1`);

  before(async () => {
    server = await startServer();
    [mine, theirs] = await Promise.all([server.readySession(), server.readySession()]);
  });
  after(async () => {
    await server?.destroy();
  });

  test("docker pull ubuntu says what the playground has instead; docker images lists what was pulled", async () => {
    const ubuntu = await sh(mine, "docker pull ubuntu 2>&1");
    assert.notEqual(ubuntu.exitCode, 0);
    assert.match(ubuntu.stdout, /ubuntu is not in this playground's offline catalog, nor on its hub\. Images here: .*\bdebian\b/);
    const pulled = await sh(mine, "docker pull debian && docker images --format '{{.Repository}}:{{.Tag}}'");
    assert.equal(pulled.exitCode, 0, pulled.stderr);
    assert.match(pulled.stdout, /^debian:latest$/m);
  });

  test("docker build -t USER/first ., docker login, docker push USER/first; another session runs it", async () => {
    const build = await sh(
      mine,
      `mkdir -p /root/first && cd /root/first \
       && printf 'FROM debian\\nRUN echo "my first image" > /greeting\\nCMD ["cat", "/greeting"]\\n' > Dockerfile \
       && docker build -t ${user}/first . 2>&1 && docker images ${user}/first --format '{{.Repository}}:{{.Tag}}'`,
    );
    assert.equal(build.exitCode, 0, build.stdout);
    assert.match(build.stdout, new RegExp(`^${user}/first:latest$`, "m"));
    const push = await sh(
      mine,
      `printf 'notes-password' | docker login -u ${user} --password-stdin 2>&1 && docker push ${user}/first 2>&1`,
    );
    assert.equal(push.exitCode, 0, push.stdout);
    assert.match(push.stdout, /Login Succeeded/);
    assert.match(push.stdout, /latest: digest: sha256:/);
    const run = await sh(theirs, `docker run --rm ${user}/first`);
    assert.equal(run.stdout, "my first image\n", run.stderr);
  });

  test("docker container commit keeps a container's changes as an image, which can be pushed too", async () => {
    const commit = await sh(
      mine,
      `docker run -d --name scratchpad debian sleep infinity >/dev/null \
       && docker exec scratchpad sh -c 'echo "written by hand" > /notes.txt' \
       && docker container commit scratchpad ${user}/committed >/dev/null \
       && docker rm -f scratchpad >/dev/null \
       && docker run --rm ${user}/committed cat /notes.txt && docker push -q ${user}/committed`,
    );
    assert.equal(commit.exitCode, 0, commit.stderr);
    assert.match(commit.stdout, /^written by hand\n/);
    const elsewhere = await sh(theirs, `docker run --rm ${user}/committed cat /notes.txt`);
    assert.equal(elsewhere.stdout, "written by hand\n", elsewhere.stderr);
  });

  test("docker compose up, watch (an edit reaches the container), down --volumes (its volume is gone)", async () => {
    const up = await sh(
      mine,
      `mkdir -p /root/site/html && cd /root/site \
       && echo '<h1>first draft</h1>' > html/index.html \
       && printf 'FROM nginx\\nCOPY html /usr/share/nginx/html\\n' > Dockerfile \
       && printf '%s\\n' 'services:' '  web:' '    build: .' '    ports: ["8080:80"]' '    volumes: [logs:/var/log/nginx]' \
          '    develop:' '      watch:' '        - action: sync' '          path: ./html' '          target: /usr/share/nginx/html' \
          'volumes:' '  logs:' > compose.yaml \
       && docker compose up -d 2>&1`,
    );
    assert.equal(up.exitCode, 0, up.stdout);
    assert.equal((await until(mine, "curl -fsS localhost:8080")).stdout, "<h1>first draft</h1>\n");
    await sh(mine, "cd /root/site && (nohup docker compose watch > /tmp/watch.log 2>&1 &)");
    const watching = await until(mine, "grep -q 'Watch enabled' /tmp/watch.log");
    assert.equal(watching.exitCode, 0, (await sh(mine, "cat /tmp/watch.log")).stdout);
    await sh(mine, "echo '<h1>second draft</h1>' > /root/site/html/index.html");
    const synced = await until(mine, "curl -fsS localhost:8080 | grep -q 'second draft'");
    assert.equal(synced.exitCode, 0, (await sh(mine, "cat /tmp/watch.log")).stdout);
    const down = await sh(mine, "pkill -f '^docker compose watch'; cd /root/site && docker compose down --volumes 2>&1 && docker volume ls -q");
    assert.equal(down.exitCode, 0, down.stdout);
    assert.match(down.stdout, /Volume site_logs\s+Removed/);
    assert.doesNotMatch(down.stdout, /^site_logs$/m);
  });
});
