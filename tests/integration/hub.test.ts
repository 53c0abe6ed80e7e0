/**
 * The playground's hub, offline, as tutorials use Docker Hub: `docker login`
 * claims a name, `docker push NAME/IMAGE` from one session, `docker pull`
 * and `docker run` of it in another; nobody else pushes under that name; an
 * image the playground lacks fails at once with a message naming what it
 * has; the hub's listing shows the push and its owner can delete it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { HubListing } from "../../lib/docker/hub";
import type { SessionView } from "../../lib/protocol";
import { startServer, type TestServer } from "../support/server";

const run = promisify(execFile);

describe("the hub", () => {
  let server: TestServer;
  let first: SessionView;
  let second: SessionView;
  // Names stay claimed for the life of the hub's data: each run has its own.
  const suffix = randomBytes(3).toString("hex");
  const alice = `alice${suffix}`;
  const bob = `bob${suffix}`;
  /** Runs a script in node1 of a session (our script, not user input). */
  const sh = (session: SessionView, script: string) => server.exec(session.id, ["sh", "-c", script]);
  const login = (session: SessionView, name: string, password: string) =>
    sh(session, `printf '%s' '${password}' | docker login -u ${name} --password-stdin 2>&1`);

  before(async () => {
    server = await startServer();
    [first, second] = await Promise.all([server.readySession(), server.readySession()]);
  });
  after(async () => {
    await server?.destroy();
  });

  test("docker login claims a free name; the wrong password for a taken one is refused", async () => {
    const claimed = await login(first, alice, "apple-pie");
    assert.equal(claimed.exitCode, 0, claimed.stdout);
    assert.match(claimed.stdout, /Login Succeeded/);
    const again = await login(second, alice, "apple-pie");
    assert.equal(again.exitCode, 0, again.stdout);
    const wrong = await login(second, alice, "not-it");
    assert.notEqual(wrong.exitCode, 0);
    assert.match(wrong.stdout, new RegExp(`the name ${alice} is already taken on this playground's hub, and that is not its password`));
    const catalogs = await login(second, "library", "whatever");
    assert.notEqual(catalogs.exitCode, 0);
    assert.match(catalogs.stdout, /cannot|belongs to the playground's image catalog/);
  });

  test("an image built in one session is pushed as NAME/IMAGE and runs in another", async () => {
    const push = await sh(
      first,
      `mkdir -p /root/app && cd /root/app \
       && printf 'FROM busybox\\nCMD ["echo", "hello from ${alice}"]\\n' > Dockerfile \
       && docker build -q -t getting-started . >/dev/null \
       && docker tag getting-started ${alice}/getting-started \
       && docker push ${alice}/getting-started 2>&1`,
    );
    assert.equal(push.exitCode, 0, push.stdout + push.stderr);
    assert.match(push.stdout, /The push refers to repository \[docker\.io\/alice\w+\/getting-started\]/);
    assert.match(push.stdout, /latest: digest: sha256:[0-9a-f]{64}/);
    const pulled = await sh(second, `docker run --rm ${alice}/getting-started 2>&1`);
    assert.equal(pulled.exitCode, 0, pulled.stdout);
    assert.match(pulled.stdout, /Unable to find image .* locally/);
    assert.match(pulled.stdout, new RegExp(`hello from ${alice}\\n$`));
    // The hub's own name works too, with its own login.
    const short = await sh(
      first,
      `printf apple-pie | docker login hub.playground -u ${alice} --password-stdin >/dev/null 2>&1 \
       && docker tag getting-started hub.playground/${alice}/getting-started:v2 \
       && docker push -q hub.playground/${alice}/getting-started:v2 2>&1`,
    );
    assert.equal(short.exitCode, 0, short.stdout);
    const other = await sh(second, `docker run --rm ${alice}/getting-started:v2`);
    assert.equal(other.stdout, `hello from ${alice}\n`, other.stderr);
  });

  test("nobody pushes under another's name, or an official image's, or without logging in", async () => {
    const claimed = await login(second, bob, "banana-split");
    assert.equal(claimed.exitCode, 0, claimed.stdout);
    const intoAlice = await sh(second, `docker pull -q busybox >/dev/null && docker tag busybox ${alice}/getting-started && docker push ${alice}/getting-started 2>&1`);
    assert.notEqual(intoAlice.exitCode, 0);
    assert.match(intoAlice.stdout, new RegExp(`denied: ${alice}/ is not yours: you are logged in as ${bob}; push to ${bob}/getting-started`));
    const official = await sh(second, `docker tag busybox nginx:mine && docker push nginx:mine 2>&1`);
    assert.notEqual(official.exitCode, 0);
    assert.match(official.stdout, /denied: nginx is an official image's name, kept for the playground's catalog/);
    const anonymous = await sh(second, `docker logout >/dev/null && docker tag busybox ${bob}/box && docker push ${bob}/box 2>&1`);
    assert.notEqual(anonymous.exitCode, 0);
    assert.match(anonymous.stdout, /denied: log in first: docker login/);
    // Alice's image is unchanged.
    const still = await sh(first, `docker rmi -f ${alice}/getting-started >/dev/null; docker run --rm ${alice}/getting-started`);
    assert.equal(still.stdout, `hello from ${alice}\n`, still.stderr);
  });

  test("an image the playground does not have fails at once, saying what it has", async () => {
    const ubuntu = await sh(first, "docker pull ubuntu 2>&1");
    assert.notEqual(ubuntu.exitCode, 0);
    assert.match(ubuntu.stdout, /ubuntu is not in this playground's offline catalog, nor on its hub\. Images here: .*\bbusybox\b.*\bnginx\b.*; or push your own to the hub/);
    assert.doesNotMatch(ubuntu.stdout, /no such host|dial tcp/);
    const tag = await sh(first, "docker run --rm node:99 true 2>&1");
    assert.notEqual(tag.exitCode, 0);
    assert.match(tag.stdout, /node:99 is not in this playground; its tags here: .*\blts\b/);
  });

  test("the hub lists what was pushed, by whom; its owner deletes it, and it is gone", async () => {
    const listing = (await (await server.api("/api/hub")).json()) as HubListing;
    const repo = listing.repositories.find((r) => r.name === `${alice}/getting-started`);
    assert.ok(repo, JSON.stringify(listing));
    const latest = repo.tags.find((t) => t.tag === "latest");
    assert.equal(latest?.pushedBy, alice);
    assert.ok((latest?.size ?? 0) > 100_000, "busybox's layer counts in the size");
    assert.ok(listing.catalog.includes("nginx") && listing.catalog.includes("nicolaka/netshoot"));
    const page = await (await server.api("/hub")).text();
    assert.match(page, new RegExp(`docker pull ${alice}/getting-started:v2`));

    const del = (password: string, name = alice) =>
      server.api("/api/hub/delete", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, password, repository: `${alice}/getting-started`, tag: "latest" }),
      });
    const wrong = await del("not-it");
    assert.equal(wrong.status, 403);
    const byBob = await del("banana-split", bob);
    assert.equal(byBob.status, 403);
    assert.match(((await byBob.json()) as { error: { message: string } }).error.message, /is not yours/);
    const ok = await del("apple-pie");
    assert.equal(ok.status, 200, await ok.clone().text());
    // latest and v2 are the same image: both go.
    assert.deepEqual(((await ok.json()) as { deleted: string[] }).deleted.sort(), ["latest", "v2"]);
    const gone = await sh(second, `docker rmi -f ${alice}/getting-started:v2 >/dev/null; docker pull ${alice}/getting-started:v2 2>&1`);
    assert.notEqual(gone.exitCode, 0);
    assert.match(gone.stdout, /is not in this playground/);
    // The emptied repository is neither listed nor taken for the catalog's.
    const after = (await (await server.api("/api/hub")).json()) as HubListing;
    assert.ok(!after.repositories.some((r) => r.name === `${alice}/getting-started`), JSON.stringify(after.repositories));
    assert.ok(!after.catalog.some((name) => name.startsWith(alice)), after.catalog.join(", "));

    // Its layers are freed by Distribution's garbage collection.
    const registry = process.env.REGISTRY_CONTAINER ?? "playground-registry";
    const { stdout } = await run("docker", ["exec", registry, "node", "/usr/lib/playground-hub/hub.mjs", "admin", "POST", "/collect?quiet=0"]);
    assert.equal((JSON.parse(stdout) as { collected: boolean }).collected, true, stdout);
  });
});
