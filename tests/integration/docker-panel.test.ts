/**
 * The Docker panel's API against a real node: what `docker run` starts shows
 * up, nginx's layers name its files, logs, stop/start, removal, and the
 * engine's refusals as JSON errors. Needs the server to provide
 * `nodeEngine` in its context (lib/server/node-engine.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DockerSummary, ImageLayers } from "../../lib/images/types";
import type { SessionView } from "../../lib/protocol";
import { startServer, type TestServer } from "../support/server";

describe("Docker panel on a real node", () => {
  let server: TestServer;
  let session: SessionView;
  let base: string;

  const summary = async (): Promise<DockerSummary> => {
    const res = await server.api(base);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as DockerSummary;
  };
  const web = async () => (await summary()).containers.find((c) => c.name === "web");

  before(async () => {
    server = await startServer();
    session = await server.readySession();
    base = `/api/sessions/${session.id}/nodes/node1/docker`;
    const run = await server.exec(session.id, ["docker", "run", "-d", "--name", "web", "-p", "8080:80", "nginx"]);
    assert.equal(run.exitCode, 0, run.stderr);
  });
  after(async () => {
    await server?.destroy();
  });

  test("GET .../docker lists the container, its image, the default networks", async () => {
    const s = await summary();
    const c = s.containers.find((x) => x.name === "web");
    assert.ok(c, `web is missing from ${JSON.stringify(s.containers)}`);
    assert.equal(c.state, "running");
    assert.equal(c.image, "nginx");
    assert.deepEqual(c.ports, [{ privatePort: 80, publicPort: 8080, type: "tcp" }]);
    const nginx = s.images.find((i) => i.tags.includes("nginx:latest"));
    assert.ok(nginx);
    assert.match(nginx.id, /^sha256:[a-f0-9]{64}$/);
    assert.ok(nginx.size > 0);
    assert.ok(!Number.isNaN(Date.parse(nginx.created)));
    assert.deepEqual(s.networks.map((n) => n.name).filter((n) => ["bridge", "host", "none"].includes(n)).sort(), ["bridge", "host", "none"]);
    assert.ok(Array.isArray(s.volumes));
  });

  test("nginx's layers: history in order, one layer adds nginx's files", async () => {
    const nginx = (await summary()).images.find((i) => i.tags.includes("nginx:latest"))!;
    const res = await server.api(`${base}/images/${encodeURIComponent(nginx.id)}/layers`);
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as ImageLayers;
    assert.equal(body.image, nginx.id);
    assert.ok(body.layers.length >= 2);
    assert.ok(body.layers.some((l) => l.emptyLayer && l.size === 0 && l.files === undefined), "metadata instructions are empty layers");
    const withNginx = body.layers.find((l) => l.files?.added.some((f) => /(^|\/)nginx(\/|$)/.test(f)));
    assert.ok(withNginx, "no layer added nginx's files");
    assert.ok(withNginx.size > 0);
    // The raw id works as well as the encoded one.
    assert.equal((await server.api(`${base}/images/${nginx.id}/layers`)).status, 200);
  });

  test("logs are plain text, demultiplexed, limited by tail", async () => {
    // One request through nginx writes an access log line to stdout.
    await server.exec(session.id, ["curl", "-s", "-o", "/dev/null", "http://localhost:8080/"]);
    const res = await server.api(`${base}/containers/web/logs?tail=50`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await res.text();
    assert.match(text, /GET \/ HTTP/);
    // Frame headers start with a 1 or 2 byte and zeros: none may reach the text.
    assert.ok(!Buffer.from(text).some((byte) => byte < 9), "stream headers leaked into the text");
    const one = await (await server.api(`${base}/containers/web/logs?tail=1`)).text();
    assert.equal(one.trimEnd().split("\n").length, 1);
  });

  test("stop and start: 204, and the state follows; doing it twice is not an error", async () => {
    const post = (action: string) => server.api(`${base}/containers/web/${action}`, { method: "POST" });
    // The engine's container list can lag its stop and start by a moment (its listing is a
    // snapshot updated after the container changed state): look again for up to 5 s.
    const stateBecomes = async (state: string) => {
      const deadline = Date.now() + 5000;
      while ((await web())?.state !== state && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal((await web())?.state, state);
    };
    assert.equal((await post("stop")).status, 204);
    await stateBecomes("exited");
    assert.equal((await post("stop")).status, 204);
    assert.equal((await post("start")).status, 204);
    await stateBecomes("running");
    assert.equal((await post("restart")).status, 204);
    const bad = await post("explode");
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, "bad_request");
  });

  test("errors: unknown container 404, bad id 400, image in use 409, all JSON", async () => {
    const missing = await server.api(`${base}/containers/nope/start`, { method: "POST" });
    assert.equal(missing.status, 404);
    assert.match((await missing.json()).error.message, /No such container/i);
    const badId = await server.api(`${base}/containers/${encodeURIComponent("a;rm -rf")}`, { method: "DELETE" });
    assert.equal(badId.status, 400);
    assert.match((await badId.json()).error.message, /not a valid container/);
    assert.equal((await server.api(`${base}/images/nginx/layers`)).status, 400);
    const nginx = (await summary()).images.find((i) => i.tags.includes("nginx:latest"))!;
    const inUse = await server.api(`${base}/images/${encodeURIComponent(nginx.id)}`, { method: "DELETE" });
    assert.equal(inUse.status, 409);
    assert.match((await inUse.json()).error.message, /being used by running container/);
    const bridge = await server.api(`${base}/networks/bridge`, { method: "DELETE" });
    assert.equal(bridge.status, 409);
    const noNode = await server.api(`/api/sessions/${session.id}/nodes/node9/docker`);
    assert.equal(noNode.status, 404);
  });

  test("volumes and networks can be removed", async () => {
    await server.exec(session.id, ["sh", "-c", "docker volume create panel-data && docker network create panel-net"]);
    const s = await summary();
    assert.ok(s.volumes.some((v) => v.name === "panel-data"));
    const net = s.networks.find((n) => n.name === "panel-net")!;
    assert.equal((await server.api(`${base}/volumes/panel-data`, { method: "DELETE" })).status, 204);
    assert.equal((await server.api(`${base}/networks/${net.id}`, { method: "DELETE" })).status, 204);
    const after = await summary();
    assert.ok(!after.volumes.some((v) => v.name === "panel-data"));
    assert.ok(!after.networks.some((n) => n.name === "panel-net"));
  });

  test("DELETE removes a running container; then the image can go", async () => {
    assert.equal((await server.api(`${base}/containers/web`, { method: "DELETE" })).status, 204);
    assert.equal(await web(), undefined);
    const nginx = (await summary()).images.find((i) => i.tags.includes("nginx:latest"))!;
    assert.equal((await server.api(`${base}/images/${encodeURIComponent(nginx.id)}`, { method: "DELETE" })).status, 204);
    assert.ok(!(await summary()).images.some((i) => i.id === nginx.id));
  });

  test("a watch link can read but not act (403 watch_only)", async () => {
    const watch = session.share?.watch?.split("/").pop();
    assert.ok(watch, "the session has a watch link");
    const watchBase = `/api/sessions/${watch}/nodes/node1/docker`;
    assert.equal((await server.api(watchBase)).status, 200);
    const res = await server.api(`${watchBase}/networks/bridge`, { method: "DELETE" });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), {
      error: { code: "watch_only", message: "This link is watch-only: it can look but not change anything." },
    });
  });
});
