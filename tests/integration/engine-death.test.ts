/**
 * A node whose Docker engine dies, or that stops whole, is reported with a
 * plain message and comes back with Restart: files kept, and for an engine
 * stop the same shell too.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CLOSE, type NodeView, type SessionView } from "../../lib/protocol";
import { newInstance, nodeContainer, removeInstance, startServer, type TestServer } from "../support/server";
import { TestTerminal, plain } from "../support/terminal-client";

const post = { method: "POST" } as const;

describe("a node whose engine or container stops", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.destroy();
  });

  const node = async (id: string, name = "node1") => (await (await server.api(`/api/sessions/${id}/nodes/${name}`)).json()) as NodeView;

  /** Polls the node until `done` holds; returns it and how long it took. */
  async function until(id: string, done: (n: NodeView) => boolean, timeoutMs: number): Promise<{ node: NodeView; ms: number }> {
    const started = Date.now();
    for (;;) {
      const n = await node(id);
      if (done(n)) return { node: n, ms: Date.now() - started };
      if (Date.now() - started > timeoutMs) throw new Error(`node still ${n.status} (${n.message}) after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The shell's PID, printed by the shell itself. */
  async function shellPid(t: TestTerminal): Promise<string> {
    const from = t.mark();
    t.type("echo shell-pid-$$-end\r");
    await t.waitFor(/shell-pid-\d+-end/, 10_000, from);
    // The typed line shows `$$`; only the answer has digits.
    return [...plain(t.output.slice(-4000)).matchAll(/shell-pid-(\d+)-end/g)].at(-1)![1]!;
  }

  test("the inner engine is killed: reported within seconds, the shell and files stay, Restart brings it back", async () => {
    const s = await server.readySession();
    const watchId = s.share!.watch.slice(3);
    await server.exec(s.id, ["sh", "-c", "echo precious > /root/kept.txt"]);
    const t = await TestTerminal.open({ baseUrl: server.url, sessionId: s.id });
    try {
      await t.waitForPrompt();
      const pid = await shellPid(t);
      t.type("sleep 1000 &\r");

      const killedAt = Date.now();
      await server.exec(s.id, ["pkill", "-9", "-x", "dockerd"]);
      const stopped = await until(s.id, (n) => n.status === "stopped", 10_000);
      console.log(`engine killed -> reported stopped in ${Date.now() - killedAt} ms`);
      assert.ok(Date.now() - killedAt < 5000, "reported within 5 s");
      assert.equal(stopped.node.stopped, "engine");
      assert.match(stopped.node.message!, /^The Docker engine in node1 stopped \(exit status 137: it was killed\)\./);
      assert.match(stopped.node.message!, /Restart button/);
      assert.doesNotMatch(stopped.node.message!, /level=|dockerd\.log/, "the engine's own log stays out of the API");
      assert.ok(server.logs.some((l) => l.includes('"event":"node_stopped"') && l.includes("[dockerd]")), "the engine's last lines are in the server's log");
      // The watcher sees it too.
      assert.equal(((await (await server.api(`/api/sessions/${watchId}`)).json()) as SessionView).nodes[0]?.status, "stopped");

      const ps = await server.exec(s.id, ["docker", "ps"]);
      assert.notEqual(ps.exitCode, 0);
      assert.match(ps.stderr, /Cannot connect to the Docker daemon/);
      // The Docker panel has no engine to show: a clear 409, not a connection error.
      const panel = await server.api(`/api/sessions/${s.id}/nodes/node1/docker`);
      assert.equal(panel.status, 409);
      assert.match(((await panel.json()) as { error: { message: string } }).error.message, /Docker engine in node1 stopped/);
      const status = await server.exec(s.id, ["playground-engine", "status"]);
      assert.equal(status.exitCode, 3, status.stdout);
      // The open shell says so at its next prompt.
      let from = t.mark();
      t.type("\r");
      await t.waitFor(/The Docker engine of this node stopped.*exit status 137/, 10_000, from);

      // Only the control id restarts; other methods are not served.
      const refused = await server.api(`/api/sessions/${watchId}/nodes/node1/restart`, post);
      assert.equal(refused.status, 403);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, "watch_only");
      assert.equal((await server.api(`/api/sessions/${s.id}/nodes/node1/restart`)).status, 405);
      assert.equal((await server.api(`/api/sessions/${s.id}/nodes/node9/restart`, post)).status, 404);

      const restartedAt = Date.now();
      const res = await server.api(`/api/sessions/${s.id}/nodes/node1/restart`, post);
      assert.equal(res.status, 202);
      const answer = (await res.json()) as NodeView;
      assert.equal(answer.status, "provisioning");
      const again = await server.api(`/api/sessions/${s.id}/nodes/node1/restart`, post);
      assert.equal(again.status, 409, "no second restart while one runs");
      const ready = await until(s.id, (n) => n.status !== "provisioning", 60_000);
      console.log(`restart of the engine -> ready in ${Date.now() - restartedAt} ms`);
      assert.equal(ready.node.status, "ready", ready.node.message);

      const hello = await server.exec(s.id, ["docker", "run", "--rm", "hello-world"]);
      assert.equal(hello.exitCode, 0, hello.stderr);
      assert.equal((await server.exec(s.id, ["cat", "/root/kept.txt"])).stdout, "precious\n");
      assert.equal(t.closed, undefined, "the terminal stayed open");
      assert.equal(await shellPid(t), pid, "the same shell");
      from = t.mark();
      t.type("jobs\r");
      await t.waitFor(/Running\s+sleep 1000/, 10_000, from);
      assert.equal((await server.exec(s.id, ["pgrep", "-c", "-x", "dockerd"])).stdout.trim(), "1");

      // A ready node's engine can be restarted too (as `playground-engine restart` does): still one engine.
      assert.equal((await server.api(`/api/sessions/${s.id}/nodes/node1/restart`, post)).status, 202);
      const second = await until(s.id, (n) => n.status !== "provisioning", 60_000);
      assert.equal(second.node.status, "ready", second.node.message);
      assert.equal((await server.exec(s.id, ["pgrep", "-c", "-x", "dockerd"])).stdout.trim(), "1");
      assert.equal((await server.exec(s.id, ["docker", "version", "--format", "{{.Server.Version}}"])).exitCode, 0);

      // A learner restarting it from the terminal is followed by the API.
      await server.exec(s.id, ["pkill", "-9", "-x", "dockerd"]);
      await until(s.id, (n) => n.status === "stopped", 10_000);
      from = t.mark();
      t.type("playground-engine restart\r");
      await t.waitFor("The Docker engine is running.", 60_000, from);
      await until(s.id, (n) => n.status === "ready", 5000);
    } finally {
      t.close();
    }
    await server.api(`/api/sessions/${s.id}`, { method: "DELETE" });
  });

  test("the whole node stops (docker stop, or its entrypoint killed): reported, Restart starts it again with its files", async () => {
    const s = await server.readySession();
    await server.exec(s.id, ["sh", "-c", "echo precious > /root/kept.txt && docker pull -q busybox"]);
    const t = await TestTerminal.open({ baseUrl: server.url, sessionId: s.id });
    await t.waitForPrompt();

    const stoppedAt = Date.now();
    await nodeContainer(server.instance, s.id).stop({ t: 5 });
    const stopped = await until(s.id, (n) => n.status === "stopped", 10_000);
    console.log(`docker stop returned and reported stopped ${Date.now() - stoppedAt} ms after the stop began`);
    assert.equal(stopped.node.stopped, "node");
    assert.match(stopped.node.message!, /^node1 stopped \(exit status \d+[^)]*\)\. Its files are kept/);
    const exec = await server.api(`/api/sessions/${s.id}/nodes/node1/exec`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cmd: ["true"] }),
    });
    assert.equal(exec.status, 409);
    // Its shell ended with it: the terminal is told to come back.
    for (let i = 0; i < 300 && !t.closed; i++) await new Promise((r) => setTimeout(r, 50)); // up to 15 s
    assert.equal(t.closed?.code, CLOSE.NODE_STOPPED);

    const restartedAt = Date.now();
    assert.equal((await server.api(`/api/sessions/${s.id}/nodes/node1/restart`, post)).status, 202);
    const ready = await until(s.id, (n) => n.status !== "provisioning", 60_000);
    console.log(`restart of the node -> ready in ${Date.now() - restartedAt} ms`);
    assert.equal(ready.node.status, "ready", ready.node.message);
    assert.equal((await server.exec(s.id, ["cat", "/root/kept.txt"])).stdout, "precious\n");
    const images = await server.exec(s.id, ["docker", "images", "-q", "busybox"]);
    assert.notEqual(images.stdout.trim(), "", "the engine's images are kept");
    // The session's claim is written again (/run is emptied by the restart).
    assert.match((await server.exec(s.id, ["cat", "/run/playground/claim"])).stdout, /expiresAt/);
    const t2 = await TestTerminal.open({ baseUrl: server.url, sessionId: s.id });
    try {
      await t2.waitForPrompt();
      t2.type("echo new-$((40+2))\r");
      await t2.waitFor("new-42");
    } finally {
      t2.close();
    }

    // Someone kills the node's entrypoint: the same.
    const pid = (await server.exec(s.id, ["cat", "/run/playground/entrypoint.pid"])).stdout.trim();
    await server.exec(s.id, ["kill", "-9", pid]);
    const killed = await until(s.id, (n) => n.status === "stopped", 10_000);
    assert.equal(killed.node.stopped, "node");
    assert.equal((await server.api(`/api/sessions/${s.id}/nodes/node1/restart`, post)).status, 202);
    const back = await until(s.id, (n) => n.status !== "provisioning", 60_000);
    assert.equal(back.node.status, "ready", back.node.message);
    const run = await server.exec(s.id, ["docker", "run", "--rm", "busybox", "echo", "alive"]);
    assert.equal(run.stdout, "alive\n", run.stderr);
    await server.api(`/api/sessions/${s.id}`, { method: "DELETE" });
  });

  test("a server restarted while a node's engine is stopped adopts the node as stopped; Restart works", async () => {
    const instance = newInstance();
    try {
      const first = await startServer({}, instance);
      const s = await first.readySession();
      await first.exec(s.id, ["pkill", "-9", "-x", "dockerd"]);
      await first.stop();
      const second = await startServer({}, instance);
      try {
        const get = async () => ((await (await second.api(`/api/sessions/${s.id}/nodes/node1`)).json()) as NodeView);
        const deadline = Date.now() + 10_000;
        let n = await get();
        while (n.status !== "stopped" && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          n = await get();
        }
        assert.equal(n.status, "stopped", n.message);
        assert.equal(n.stopped, "engine");
        assert.match(n.message!, /exit status 137/);
        assert.equal((await second.api(`/api/sessions/${s.id}/nodes/node1/restart`, post)).status, 202);
        for (let i = 0; i < 600 && (n = await get()).status === "provisioning"; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(n.status, "ready", n.message);
        assert.equal((await second.exec(s.id, ["docker", "version", "--format", "{{.Server.Version}}"])).exitCode, 0);
      } finally {
        await second.stop();
      }
    } finally {
      await removeInstance(instance);
    }
  });
});
