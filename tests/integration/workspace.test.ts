/**
 * The session workspace on the real engine, through the HTTP API and the
 * terminal socket: nodes, watch-only links, published ports through the
 * proxy (HTTP and WebSocket), uploads and downloads, time, swarm templates.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import type { NodeView, PortView, SessionView } from "../../lib/protocol";
import { docker, nodeContainer, startServer, type TestServer } from "../support/server";
import { TestTerminal } from "../support/terminal-client";

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A raw HTTP request to the server with any Host header (no DNS for *.localhost needed). */
function get(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: url.port, path, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the session workspace on the real engine", () => {
  let server: TestServer;
  let s: SessionView;
  let watchId: string;

  before(async () => {
    server = await startServer({ MAX_NODES: "3", UPLOAD_MAX_MB: "1", SESSION_EXTEND_MS: "60000", SESSION_MAX_MS: String(4 * 3600_000 + 90_000) });
    s = await server.readySession();
    watchId = s.share!.watch.slice("/s/".length);
  });
  after(async () => {
    await server?.destroy();
  });

  const nodeOf = async (id: string, node: string) => (await (await server.api(`/api/sessions/${id}/nodes/${node}`)).json()) as NodeView;

  test("nodes: POST adds node2 on the session's network; DELETE removes it; limits and errors", async () => {
    const res = await server.api(`/api/sessions/${s.id}/nodes`, { method: "POST" });
    assert.equal(res.status, 201);
    const added = (await res.json()) as NodeView;
    assert.equal(added.name, "node2");
    assert.equal(added.status, "provisioning");
    const ready = await until("node2 ready", async () => {
      const n = await nodeOf(s.id, "node2");
      return n.status === "ready" ? n : undefined;
    });
    assert.match(ready.ip ?? "", /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal((await server.exec(s.id, ["hostname"], "node2")).stdout.trim(), "node2");
    const ping = await server.exec(s.id, ["ping", "-c1", "-W2", "node2"]);
    assert.equal(ping.exitCode, 0, `node1 reaches node2 by name: ${ping.stdout}${ping.stderr}`);

    assert.equal((await server.api(`/api/sessions/${s.id}/nodes`, { method: "POST" })).status, 201); // node3
    const full = await server.api(`/api/sessions/${s.id}/nodes`, { method: "POST" });
    assert.equal(full.status, 409);
    assert.equal(((await full.json()) as { error: { code: string } }).error.code, "node_limit");
    const bad = await server.api(`/api/sessions/${s.id}/nodes`, json({ image: "evil" }));
    assert.equal(bad.status, 400);

    // A command still running in node3 when it goes is answered as the node's going, not as a server error.
    const logsBefore = server.logs.length;
    const running = server.api(`/api/sessions/${s.id}/nodes/node3/exec`, json({ cmd: ["sleep", "30"], timeoutMs: 60_000 }));
    await until("sleep running in node3", async () => ((await server.exec(s.id, ["pgrep", "-x", "sleep"], "node3")).exitCode === 0 ? true : undefined));
    assert.equal((await server.api(`/api/sessions/${s.id}/nodes/node3`, { method: "DELETE" })).status, 204);
    const cut = await running;
    const answer = (await cut.json()) as { error: { code: string; message: string } };
    assert.equal(cut.status, 410, JSON.stringify(answer));
    assert.deepEqual(answer.error, { code: "node_removed", message: "node3 was removed while the command ran." });
    assert.deepEqual(server.logs.slice(logsBefore).filter((l) => l.includes('"level":"error"')), []);
    assert.equal((await server.api(`/api/sessions/${s.id}/nodes/node3`)).status, 404);
    await assert.rejects(nodeContainer(server.instance, s.id, "node3").inspect(), /no such container/i);
    assert.equal((await server.api(`/api/sessions/${s.id}/nodes/node9`, { method: "DELETE" })).status, 404);
    assert.equal((await server.api(`/api/sessions/${s.id}/nodes/..%2Fx`, { method: "DELETE" })).status, 404);
  });

  test("watch-only: the watch id sees the session and terminal output; every change is refused", async () => {
    const view = (await (await server.api(`/api/sessions/${watchId}`)).json()) as SessionView;
    assert.equal(view.access, "watch");
    assert.equal(view.share, undefined);
    assert.ok(!JSON.stringify(view).includes(s.id), "the control id never reaches a watcher");

    for (const [path, init] of [
      [`/api/sessions/${watchId}`, { method: "DELETE" }],
      [`/api/sessions/${watchId}/nodes`, { method: "POST" }],
      [`/api/sessions/${watchId}/nodes/node2`, { method: "DELETE" }],
      [`/api/sessions/${watchId}/extend`, { method: "POST" }],
      [`/api/sessions/${watchId}/template`, json({ template: "swarm-1-1" })],
      [`/api/sessions/${watchId}/nodes/node1/exec`, json({ cmd: ["id"] })],
      [`/api/sessions/${watchId}/nodes/node1/restart`, { method: "POST" }],
      [`/api/sessions/${watchId}/nodes/node1/files?path=x`, { method: "PUT", body: "x" }],
    ] as const) {
      const res = await server.api(path, init as RequestInit);
      assert.equal(res.status, 403, `${init.method} ${path}`);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, "watch_only");
    }

    const owner = await TestTerminal.open({ baseUrl: server.url, sessionId: s.id });
    const watcher = await TestTerminal.open({ baseUrl: server.url, sessionId: watchId, cols: 40, rows: 10 });
    try {
      await owner.waitForPrompt();
      owner.type("echo shared-$((6*7))\r");
      await watcher.waitFor("shared-42");
      watcher.type("touch /tmp/watcher-typed\r");
      watcher.send({ type: "resize", cols: 20, rows: 5 });
      await new Promise((r) => setTimeout(r, 500));
      const typed = await server.exec(s.id, ["test", "-e", "/tmp/watcher-typed"]);
      assert.equal(typed.exitCode, 1, "the watcher's keystrokes never reached the shell");
      const size = await server.exec(s.id, ["sh", "-c", "stty size < /dev/pts/0 2>/dev/null || true"]);
      assert.doesNotMatch(size.stdout, /^5 20$/m, "the watcher's resize was ignored");
      const people = ((await (await server.api(`/api/sessions/${s.id}`)).json()) as SessionView).connected;
      assert.deepEqual(people.map((p) => p.access).sort(), ["control", "watch"]);
    } finally {
      owner.close();
      watcher.close();
    }
  });

  test("ports: a published container port and a listening program appear, and open through the proxy", async () => {
    const run = await server.exec(s.id, ["docker", "run", "-d", "-p", "8080:80", "--name", "web", "nginx"]);
    assert.equal(run.exitCode, 0, run.stderr);
    await server.exec(s.id, ["sh", "-c", "setsid nc -lk 9000 </dev/null >/dev/null 2>&1 & true"]);
    const started = Date.now();
    const ports = await until("ports listed", async () => {
      const list = (await (await server.api(`/api/sessions/${s.id}/nodes/node1/ports`)).json()) as PortView[];
      return list.some((p) => p.port === 8080) && list.some((p) => p.port === 9000) ? list : undefined;
    }, 15_000);
    const noticedMs = Date.now() - started;
    const web = ports.find((p) => p.port === 8080)!;
    assert.equal(web.source, "container");
    assert.equal(web.container, "web");
    assert.equal(ports.find((p) => p.port === 9000)?.source, "process");
    assert.deepEqual(ports.map((p) => p.port), [8080, 9000], "nothing else: not the node's engine (2375), nor its resolver for inner containers (53)");
    // The page is under *.localhost: one host name per port.
    assert.equal(web.url, `http://8080-node1-${watchId}.localhost:${new URL(server.url).port}/`);
    assert.ok(noticedMs < 5000, `noticed in ${noticedMs} ms`);
    // A page opened by IP address gets path links: no wildcard DNS there.
    const byIp = JSON.parse((await get(server, `/api/sessions/${s.id}/nodes/node1/ports`, { host: "192.0.2.7:3000" })).body) as PortView[];
    assert.equal(byIp.find((p) => p.port === 8080)?.url, `/ports/${watchId}/node1/8080/`);

    const viaHost = await get(server, "/", { host: `8080-node1-${watchId}.localhost` });
    assert.equal(viaHost.status, 200);
    assert.match(viaHost.body, /Welcome to nginx!/);
    const viaPath = await get(server, `/ports/${watchId}/node1/8080/`);
    assert.match(viaPath.body, /Welcome to nginx!/);
    const noSlash = await get(server, `/ports/${watchId}/node1/8080?x=1`);
    assert.equal(noSlash.status, 308);
    assert.equal(noSlash.headers.location, `/ports/${watchId}/node1/8080/?x=1`);

    const nothing = await get(server, `/ports/${watchId}/node1/8089/`);
    assert.equal(nothing.status, 502);
    assert.match(nothing.body, /Nothing answers on port 8089 of node1/);
    const noSession = await get(server, "/", { host: `8080-node1-${"z".repeat(24)}.localhost` });
    assert.equal(noSession.status, 404);
    assert.match(noSession.body, /does not exist or has ended/);
  });

  /** Serves `script` (sh, talking HTTP on stdin/stdout) on a port of node1. */
  async function serve(port: number, script: string) {
    const cmd = 'printf "%s" "$1" > /tmp/serve-$2.sh; setsid socat TCP-LISTEN:$2,reuseaddr,fork "EXEC:sh /tmp/serve-$2.sh" </dev/null >/dev/null 2>&1 & sleep 0.3';
    const r = await server.exec(s.id, ["sh", "-c", cmd, "serve", script, String(port)]);
    assert.equal(r.exitCode, 0, r.stderr);
  }

  test("ports: the playground's cookies never reach the app; WebSocket upgrades pass through", async () => {
    // A listener that records the request's headers and answers "ok".
    await serve(9100, 'while IFS= read -r l; do printf "%s\n" "$l" >> /tmp/request; [ "$(printf %s "$l" | tr -d "\r")" = "" ] && break; done; ' +
      'printf "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"');
    const answered = await get(server, `/ports/${watchId}/node1/9100/`, { cookie: "playground_session=secret; theirs=1" });
    assert.equal(answered.body, "ok");
    const seen = (await server.exec(s.id, ["cat", "/tmp/request"])).stdout;
    assert.match(seen, /^cookie: theirs=1\r?$/im);
    assert.doesNotMatch(seen, /secret/);

    // An echo server that accepts any upgrade, then sends back what it receives.
    await serve(9200, 'while IFS= read -r l; do [ "$(printf %s "$l" | tr -d "\r")" = "" ] && break; done; ' +
      'printf "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"; exec cat');
    const url = new URL(server.url);
    const socket = connect(Number(url.port), "127.0.0.1");
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (d) => (received += d));
    socket.write(
      `GET /chat HTTP/1.1\r\nHost: 9200-node1-${watchId}.localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    await until("101", async () => (received.includes("101 Switching Protocols") ? true : undefined), 10_000);
    socket.write("ping-through-proxy");
    await until("echo", async () => (received.includes("ping-through-proxy") ? true : undefined), 10_000);
    socket.destroy();
  });

  test("files: upload lands in the node, downloads come back as a file or a tar; limits and errors", async () => {
    const content = "FROM busybox\nCMD echo uploaded\n";
    const put = await server.api(`/api/sessions/${s.id}/nodes/node1/files?path=${encodeURIComponent("up/dir/Dockerfile")}`, {
      method: "PUT",
      body: content,
    });
    assert.equal(put.status, 201);
    const saved = (await put.json()) as { path: string; size: number; version: string };
    assert.deepEqual({ path: saved.path, size: saved.size }, { path: "/root/up/dir/Dockerfile", size: content.length });
    assert.match(saved.version, /^[0-9a-f]{64}$/);
    assert.equal((await server.exec(s.id, ["cat", "/root/up/dir/Dockerfile"])).stdout, content);

    const file = await server.api(`/api/sessions/${watchId}/nodes/node1/files/download?path=up/dir/Dockerfile`);
    assert.equal(file.status, 200, "watchers may download");
    assert.match(file.headers.get("content-disposition") ?? "", /filename="Dockerfile"/);
    assert.equal(await file.text(), content);
    const folder = await server.api(`/api/sessions/${s.id}/nodes/node1/files/download?path=up`);
    assert.equal(folder.headers.get("content-type"), "application/x-tar");
    const tar = Buffer.from(await folder.arrayBuffer()).toString("latin1");
    assert.ok(tar.includes("up/dir/Dockerfile") && tar.includes("CMD echo uploaded"));

    const big = await server.api(`/api/sessions/${s.id}/nodes/node1/files?path=big`, { method: "PUT", body: Buffer.alloc(2 * 1024 * 1024) });
    assert.equal(big.status, 413);
    assert.match(((await big.json()) as { error: { message: string } }).error.message, /up to 1 MiB/);
    const missing = await server.api(`/api/sessions/${s.id}/nodes/node1/files/download?path=nope`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: { message: string } }).error.message, /no file or folder at \/root\/nope/);
    assert.equal((await server.api(`/api/sessions/${s.id}/nodes/node1/files`, { method: "PUT", body: "x" })).status, 400);
  });

  test("time: extend adds time up to the maximum, then says why it cannot", async () => {
    const before = (await (await server.api(`/api/sessions/${s.id}`)).json()) as SessionView;
    const res = await server.api(`/api/sessions/${s.id}/extend`, { method: "POST" });
    assert.equal(res.status, 200);
    const after = (await res.json()) as SessionView;
    assert.ok(Date.parse(after.expiresAt) > Date.parse(before.expiresAt));
    assert.ok(Date.parse(after.expiresAt) <= Date.parse(after.maxExpiresAt));
    await server.api(`/api/sessions/${s.id}/extend`, { method: "POST" });
    const refused = await server.api(`/api/sessions/${s.id}/extend`, { method: "POST" });
    assert.equal(refused.status, 409);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, "extend_limit");
  });

  test("a node's registry: an image pushed in node1 is pulled in node2", async () => {
    const steps = [
      ["docker", "run", "-d", "-p", "5000:5000", "--name", "reg", "registry:2"],
      ["sh", "-c", "for i in $(seq 50); do wget -qO- http://localhost:5000/v2/ >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1"],
      ["docker", "pull", "busybox"],
      ["docker", "tag", "busybox", "node1:5000/mine:1"],
      ["docker", "push", "node1:5000/mine:1"],
    ];
    for (const cmd of steps) {
      const r = await server.exec(s.id, cmd);
      assert.equal(r.exitCode, 0, `${cmd.join(" ")}: ${r.stderr}`);
    }
    const pull = await server.exec(s.id, ["docker", "run", "--rm", "node1:5000/mine:1", "echo", "pulled-from-node1"], "node2");
    assert.equal(pull.exitCode, 0, pull.stderr);
    assert.match(pull.stdout, /pulled-from-node1/);
  });
});

describe("swarm templates and idle sessions", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ IDLE_TIMEOUT_MS: "3000", REAPER_INTERVAL_MS: "500" });
  });
  after(async () => {
    await server?.destroy();
  });

  test("swarm-1-1 forms a swarm of node1 (manager) and node2 (worker); a second time is refused", async () => {
    const s = await server.readySession();
    // Someone has it open, or it would end as idle during the test.
    const t = await TestTerminal.open({ baseUrl: server.url, sessionId: s.id });
    try {
      const res = await server.api(`/api/sessions/${s.id}/template`, json({ template: "swarm-1-1" }));
      assert.equal(res.status, 200, await res.clone().text());
      const view = (await res.json()) as SessionView;
      assert.deepEqual(view.nodes.map((n) => n.name), ["node1", "node2"]);
      const nodes = await server.exec(s.id, ["docker", "node", "ls", "--format", "{{.Hostname}} {{.ManagerStatus}}"]);
      assert.deepEqual(nodes.stdout.trim().split("\n").sort(), ["node1 Leader", "node2 "].map((l) => l.trim()).sort());
      const again = await server.api(`/api/sessions/${s.id}/template`, json({ template: "swarm-1-1" }));
      assert.equal(again.status, 409);
      const bad = await server.api(`/api/sessions/${s.id}/template`, json({ template: "swarm-9-9" }));
      assert.equal(bad.status, 400);
    } finally {
      t.close();
    }
  });

  test("a session nobody has open ends after IDLE_TIMEOUT_MS and is removed", async () => {
    const s = await server.readySession();
    const started = Date.now();
    // Not through the API: a page asking about the session is someone using it.
    await until("removed", async () => {
      const list = await docker.listContainers({ all: true, filters: { label: [`playground.session=${s.id}`] } });
      return list.length === 0 ? true : undefined;
    }, 20_000);
    assert.ok(Date.now() - started >= 2000, "not before the idle timeout");
    assert.equal((await server.api(`/api/sessions/${s.id}`)).status, 404);
  });
});
