/**
 * The session lifecycle against the real engine, through the HTTP API:
 * create, run `docker run hello-world` inside, limits, isolation, teardown.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { docker, nodeContainer, resourcesOf, startServer, type TestServer } from "../support/server";

describe("sessions on the real engine", () => {
  let server: TestServer;
  let a: SessionView;
  let b: SessionView;

  before(async () => {
    server = await startServer();
    [a, b] = await Promise.all([server.readySession(), server.readySession()]);
  });
  after(async () => {
    await server?.destroy();
  });

  test("POST /api/sessions answers 201 with the session's shape", async () => {
    const res = await server.api("/api/sessions", { method: "POST" });
    assert.equal(res.status, 201);
    const body = (await res.json()) as SessionView;
    assert.match(body.id, /^[a-z0-9]{24}$/);
    assert.equal(body.url, `/s/${body.id}`);
    assert.ok(Date.parse(body.expiresAt) > Date.now() + 3 * 3600_000);
    assert.deepEqual(body.nodes.map((n) => n.name), ["node1"]);
    assert.equal((await server.api(`/api/sessions/${body.id}`, { method: "DELETE" })).status, 204);
  });

  test("docker run hello-world works inside a session, offline, from the playground's registry", async () => {
    const result = await server.exec(a.id, ["docker", "run", "--rm", "hello-world"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /Hello from the Docker playground!/);
    const debian = await server.exec(a.id, ["docker", "run", "--rm", "debian", "cat", "/etc/debian_version"]);
    assert.match(debian.stdout, /^13\./);
  });

  test("the registry serves every session but accepts no pushes from them", async () => {
    const r = await server.exec(a.id, [
      "sh", "-c",
      "docker pull -q busybox && docker tag busybox playground-registry:5000/library/busybox && docker push playground-registry:5000/library/busybox",
    ]);
    assert.notEqual(r.exitCode, 0, "a learner could overwrite an image of the catalog");
    // The catalog's address refuses, and says where a push goes instead.
    assert.match(r.stdout + r.stderr, /only serves pulls: push to the hub/);
  });

  test("the node runs Docker 26 with compose v2 and buildx, as node1", async () => {
    const r = await server.exec(a.id, ["sh", "-c", "hostname; docker version -f '{{.Server.Version}}'; docker compose version; docker buildx version"]);
    assert.equal(r.exitCode, 0, r.stderr);
    const [hostname, version] = r.stdout.split("\n");
    assert.equal(hostname, "node1");
    assert.match(version ?? "", /^2[6-9]\./);
    assert.match(r.stdout, /Docker Compose version (v)?2\./);
    assert.match(r.stdout, /buildx/);
  });

  test("exec passes argv untouched (no shell) and reports exit codes and stderr", async () => {
    const r = await server.exec(a.id, ["echo", "$HOME; rm -rf /"]);
    assert.equal(r.stdout, "$HOME; rm -rf /\n");
    const failed = await server.exec(a.id, ["ls", "/nope"]);
    assert.equal(failed.exitCode, 2);
    assert.match(failed.stderr, /No such file/);
    const missing = await server.exec(a.id, ["no-such-command"]);
    assert.equal(missing.exitCode, 127);
  });

  test("exec past its timeout is stopped and says so", async () => {
    const res = await server.api(`/api/sessions/${a.id}/nodes/node1/exec`, {
      method: "POST",
      body: JSON.stringify({ cmd: ["sleep", "30"], timeoutMs: 1000 }),
    });
    const body = await res.json();
    assert.equal(res.status, 200);
    assert.equal(body.timedOut, true);
    assert.equal(body.exitCode, 124);
  });

  test("limits and privileges are visible in docker inspect: not privileged, no SYS_MODULE, memory/pids/cpu set", async () => {
    const info = await nodeContainer(server.instance, a.id).inspect();
    const host = info.HostConfig as typeof info.HostConfig & { CgroupnsMode?: string };
    assert.equal(host.Privileged, false);
    assert.deepEqual([...(host.CapAdd ?? [])].sort(), ["NET_ADMIN", "SYS_ADMIN", "SYS_PTRACE"]);
    assert.ok(!(host.CapAdd ?? []).some((c: string) => /SYS_MODULE|SYS_RAWIO|ALL/.test(c)));
    assert.equal(host.Devices?.length ?? 0, 0);
    assert.equal(host.Memory, 2048 * 1024 * 1024);
    assert.equal(host.PidsLimit, 1024);
    assert.equal(host.NanoCpus, 1e9);
    assert.equal(info.Config.Hostname, "node1");
    assert.equal(info.Config.Labels["playground.session"], a.id);
    const dockerMount = info.Mounts.find((m) => m.Destination === "/var/lib/docker");
    assert.equal(dockerMount?.Type, "volume");
    // Inside, the kernel refuses module loading.
    const r = await server.exec(a.id, ["sh", "-c", "grep CapEff /proc/1/status"]);
    const capEff = BigInt(`0x${r.stdout.split(":")[1]!.trim()}`);
    const CAP_SYS_MODULE = 16n;
    assert.equal((capEff >> CAP_SYS_MODULE) & 1n, 0n, "CAP_SYS_MODULE must be absent");
  });

  test("two sessions cannot reach each other's nodes over the network", async () => {
    const infoB = await nodeContainer(server.instance, b.id).inspect();
    const ipB = Object.values(infoB.NetworkSettings.Networks)[0]!.IPAddress;
    assert.match(ipB, /^\d+\.\d+\.\d+\.\d+$/);
    // B listens; A tries to connect. The same probe from B itself works (so the probe can succeed).
    await server.exec(b.id, ["sh", "-c", "nohup nc -lk -p 7777 >/dev/null 2>&1 &"]);
    const self = await server.exec(b.id, ["nc", "-z", "-w", "2", ipB, "7777"]);
    assert.equal(self.exitCode, 0, "the probe works within a session");
    const cross = await server.exec(a.id, ["nc", "-z", "-w", "2", ipB, "7777"]);
    assert.notEqual(cross.exitCode, 0, "session A reached session B");
    const ping = await server.exec(a.id, ["ping", "-c", "1", "-W", "1", ipB]);
    assert.notEqual(ping.exitCode, 0);
  });

  test("no sandbox can reach the host's Docker engine", async () => {
    // The socket inside is the node's own engine: it does not know the host's containers.
    const ps = await server.exec(a.id, ["docker", "ps", "-a", "--format", "{{.Names}}"]);
    assert.doesNotMatch(ps.stdout, /playground-/);
    const info = await server.exec(a.id, ["docker", "info", "-f", "{{.Name}}"]);
    assert.equal(info.stdout.trim(), "node1");
    // Nothing listens for Docker on the gateway (the host side of the bridge).
    const route = await server.exec(a.id, ["ip", "route", "show", "default"]);
    const gateway = /via (\S+)/.exec(route.stdout)?.[1];
    assert.ok(gateway, route.stdout);
    for (const port of ["2375", "2376"]) {
      const r = await server.exec(a.id, ["nc", "-z", "-w", "2", gateway, port]);
      assert.notEqual(r.exitCode, 0, `the host's port ${port} answered`);
    }
    const mounts = await server.exec(a.id, ["cat", "/proc/mounts"]);
    assert.doesNotMatch(mounts.stdout, /docker\.sock/);
  });

  test("DELETE removes the node, its volume and the network; the id is gone", async () => {
    const doomed = await server.readySession();
    const before = await resourcesOf(server.instance, doomed.id);
    // The node, and on cgroup v1 (cgroupfs) without user namespaces its limits holder (lib/docker/runtime.ts).
    const info = (await docker.info()) as { CgroupVersion?: string; CgroupDriver?: string; SecurityOptions?: string[] };
    const userns = (info.SecurityOptions ?? []).some((o) => o.includes("name=userns"));
    const holder = !userns && info.CgroupVersion !== "2" && info.CgroupDriver === "cgroupfs";
    const node = `/playground-${server.instance}-${doomed.id}-node1`;
    assert.deepEqual(before.containers.sort(), holder ? [node, `${node}-limits`] : [node]);
    assert.equal(before.volumes.length, 1);
    assert.equal(before.networks.length, 1);
    assert.equal((await server.api(`/api/sessions/${doomed.id}`, { method: "DELETE" })).status, 204);
    assert.deepEqual(await resourcesOf(server.instance, doomed.id), { containers: [], volumes: [], networks: [] });
    const gone = await server.api(`/api/sessions/${doomed.id}`);
    assert.equal(gone.status, 404);
    assert.equal((await gone.json()).error.code, "session_not_found");
    assert.equal((await server.api(`/api/sessions/${doomed.id}`, { method: "DELETE" })).status, 404);
  });

  test("bad requests get JSON errors with the right status", async () => {
    const cases: [string, RequestInit, number, string][] = [
      ["/api/sessions", { method: "POST", body: "{not json" }, 400, "bad_request"],
      ["/api/sessions", { method: "POST", body: '{"surprise":1}' }, 400, "bad_request"],
      [`/api/sessions/${a.id}/nodes/node1/exec`, { method: "POST", body: '{"cmd":"ls -l"}' }, 400, "bad_request"],
      [`/api/sessions/${a.id}/nodes/node1/exec`, { method: "POST", body: "" }, 400, "bad_request"],
      [`/api/sessions/${a.id}/nodes/node7/exec`, { method: "POST", body: '{"cmd":["ls"]}' }, 404, "node_not_found"],
      ["/api/sessions/nope", {}, 404, "session_not_found"],
      ["/api/sessions/nope/nodes/node1/exec", { method: "POST", body: '{"cmd":["ls"]}' }, 404, "session_not_found"],
      ["/api/nothing-here", {}, 404, "not_found"],
      ["/api/sessions", {}, 405, "method_not_allowed"],
      [`/api/sessions/${a.id}`, { method: "POST" }, 405, "method_not_allowed"],
      ["/api/sessions", { method: "POST", body: JSON.stringify({ pad: "x".repeat(400 * 1024) }) }, 400, "bad_request"],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await server.api(path, init);
      assert.equal(res.status, status, `${init.method ?? "GET"} ${path}`);
      assert.equal(res.headers.get("content-type"), "application/json");
      const body = await res.json();
      assert.equal(body.error.code, code, path);
      assert.ok(body.error.message.length > 10);
    }
  });

  test("GET /api/health reports the engine, the images and the session count", async () => {
    const res = await server.api("/api/health");
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.ok, true);
    assert.equal(body.engine.reachable, true);
    // The caches are reported but do not decide ok: the NODE_ISOLATION=none smoke runs without them.
    const { npmCache, aptCache, ...images } = body.images;
    assert.deepEqual(images, { sandbox: true, registry: true });
    assert.equal(npmCache, process.env.PLAYGROUND_NPM_CACHE !== "no");
    assert.equal(aptCache, process.env.PLAYGROUND_APT_CACHE !== "no");
    assert.ok(body.sessions.active >= 2);
    assert.equal(body.sessions.max, 30);
  });
});

describe("limits on creation", () => {
  test("a full playground answers 503 playground_full", async () => {
    const server = await startServer({ MAX_SESSIONS: "1" });
    try {
      // Ready before the server is destroyed: a network still being made when it stops is left behind.
      await server.readySession();
      const res = await server.api("/api/sessions", { method: "POST" });
      assert.equal(res.status, 503);
      const body = await res.json();
      assert.equal(body.error.code, "playground_full");
      assert.match(body.error.message, /full/);
    } finally {
      await server.destroy();
    }
  });

  test("too many sessions from one address answer 429 with Retry-After", async () => {
    const server = await startServer({ RATE_LIMIT_SESSIONS: "2", RATE_LIMIT_WINDOW_MS: "60000" });
    try {
      await Promise.all([server.readySession(), server.readySession()]);
      const res = await server.api("/api/sessions", { method: "POST" });
      assert.equal(res.status, 429);
      const retryAfter = Number(res.headers.get("retry-after"));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
      assert.equal((await res.json()).error.code, "rate_limited");
    } finally {
      await server.destroy();
    }
  });
});
