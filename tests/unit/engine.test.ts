/**
 * The host engine's client (lib/docker/engine.ts): deadlines on a socket that
 * accepts and never answers, failed connections as engine_unavailable, the
 * engine's own answers untouched; and the health check's cached status.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, describe, test } from "node:test";
import Docker from "dockerode";
import { DEFAULT_DEADLINES, deadlineOf, withDeadlines } from "../../lib/docker/engine";
import { cachedStatus } from "../../lib/server/engine-status";
import type { RuntimeStatus } from "../../lib/sessions/runtime";

const dir = mkdtempSync(join(tmpdir(), "engine-unit-"));
const servers: Server[] = [];
const sockets: Socket[] = [];
after(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function listen(server: Server, name: string): Promise<string> {
  const path = join(dir, name);
  servers.push(server);
  return new Promise((resolve) => server.listen(path, () => resolve(path)));
}

describe("the engine client", () => {
  test("a socket that accepts and never answers: engine_unavailable at the deadline", async () => {
    const path = await listen(
      createServer((s) => {
        sockets.push(s);
        s.resume();
      }),
      "hung.sock",
    );
    const docker = withDeadlines(new Docker({ socketPath: path }), { quickMs: 200, slowMs: 400 });
    const started = Date.now();
    await assert.rejects(docker.version(), { code: "engine_unavailable", status: 503 });
    await assert.rejects(docker.createNetwork({ Name: "x" }), { code: "engine_unavailable" });
    assert.ok(Date.now() - started < 5000, "bounded");
  });

  test("no socket, or a refused connection: engine_unavailable, with the cause for the log", async () => {
    const docker = withDeadlines(new Docker({ socketPath: join(dir, "missing.sock") }));
    await assert.rejects(docker.listContainers(), (e: { code?: string; detail?: string }) => {
      assert.equal(e.code, "engine_unavailable");
      assert.match(e.detail ?? "", /ENOENT/);
      return true;
    });
  });

  test("the engine's own answers pass through", async () => {
    const path = await listen(
      createHttpServer((_req, res) => res.writeHead(404, { "content-type": "application/json" }).end('{"message":"No such container: x"}')),
      "answers.sock",
    );
    const docker = withDeadlines(new Docker({ socketPath: path }));
    await assert.rejects(docker.getContainer("x").inspect(), { statusCode: 404 });
  });

  test("deadlines: reads and execs are quick, changes slower, uploads have none", () => {
    const d = DEFAULT_DEADLINES;
    assert.equal(deadlineOf({ method: "GET", path: "/version" }, d), d.quickMs);
    assert.equal(deadlineOf({ method: "POST", path: "/containers/abc/exec" }, d), d.quickMs);
    assert.equal(deadlineOf({ method: "POST", path: "/exec/abc/start" }, d), d.quickMs);
    assert.equal(deadlineOf({ method: "POST", path: "/containers/create?" }, d), d.slowMs);
    assert.equal(deadlineOf({ method: "DELETE", path: "/containers/abc?" }, d), d.slowMs);
    assert.equal(deadlineOf({ method: "PUT", path: "/containers/abc/archive?", file: new PassThrough() }, d), undefined);
  });
});

describe("the cached engine status", () => {
  const up: RuntimeStatus = { engine: { reachable: true, version: "1" }, sandboxImage: true, registryRunning: true };
  const down: RuntimeStatus = { engine: { reachable: false }, sandboxImage: false, registryRunning: false };

  test("asks once per period, and callers meanwhile share one question", async () => {
    let now = 0;
    let asked = 0;
    let answer = up;
    const status = cachedStatus(async () => {
      asked++;
      await new Promise((r) => setTimeout(r, 10));
      return answer;
    }, 1500, () => now);
    const first = await Promise.all([status(), status(), status()]);
    assert.equal(asked, 1);
    assert.ok(first.every((s) => s.engine.reachable));
    answer = down;
    now = 1000;
    assert.equal((await status()).engine.reachable, true, "still the cached answer");
    now = 1600;
    assert.equal((await status()).engine.reachable, false, "the loss, once the period is over");
    assert.equal(asked, 2);
  });

  test("a status that throws reads as unreachable", async () => {
    const status = cachedStatus(async () => {
      throw new Error("boom");
    }, 1500);
    assert.equal((await status()).engine.reachable, false);
  });
});
