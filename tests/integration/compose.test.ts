/**
 * The Docker Compose deployment, as an operator runs it: `docker compose up
 * -d --build` from this checkout, under its own project name, instance and
 * port, on the host's engine. With NODE_ISOLATION=userns (the default) the
 * app drives the playground engine through its socket (DOCKER_SOCKET), where
 * the nodes run; with none, the host's engine. The app answers /api/health, a session started
 * through its API gets a ready node that runs a command, serves its Docker
 * panel and a terminal, and `docker compose down` leaves nothing of the
 * project or of its instance.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { copyFileSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ExecResult, SessionView } from "../../lib/protocol";
import { diskKeeper, docker, newInstance, removeInstance, resourcesLabelled, resourcesOf } from "../support/server";
import Docker from "dockerode";
import { TestTerminal } from "../support/terminal-client";

const root = join(__dirname, "..", "..");

/** `docker compose` (v2) when the plugin is there, else Debian 12's `docker-compose` (v1.29). */
function composeCommand(): string[] | undefined {
  for (const cmd of [["docker", "compose"], ["docker-compose"]]) {
    if (spawnSync(cmd[0]!, [...cmd.slice(1), "version"], { stdio: "ignore" }).status === 0) return cmd;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const userns = (process.env.NODE_ISOLATION ?? "userns") === "userns";
/** The nodes' engine (tests/support's `docker`) is the playground engine; compose runs on the host's. */
const hostDocker = userns ? new Docker({ socketPath: "/var/run/docker.sock" }) : docker;
const compose = composeCommand();
const isRoot = process.getuid?.() === 0;
const project = `pgcompose${randomBytes(4).toString("hex")}`;
const instance = newInstance();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs compose for this project; resolves with its output, rejects with it on a non-zero exit. */
function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(compose![0]!, [...compose!.slice(1), "-p", project, "-f", "compose.yaml", ...args], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${compose!.join(" ")} ${args.join(" ")} exited with ${code}:\n${out.slice(-6000)}`));
    });
  });
}

describe("docker compose deployment", { skip: !compose && !isRoot && "no docker compose here (and not root to install it)" }, () => {
  let env: NodeJS.ProcessEnv;
  let url: string;
  let downDone = false;
  // Where Node is told to trust extra certificate authorities, the npm registry
  // is reached through a proxy that intercepts TLS: the image build must trust
  // them too (deploy/ca-certificates/README.md).
  const caCopy = join(root, "deploy", "ca-certificates", "test-node-extra-ca.pem");
  let caCopied = false;

  before(async () => {
    assert.ok(compose, "no `docker compose` or `docker-compose`: scripts/test.sh installs Debian's docker-compose");
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      ...(userns
        ? { DOCKER_HOST: "unix:///var/run/docker.sock", DOCKER_SOCKET: (process.env.DOCKER_HOST ?? "unix:///run/playground/engine.sock").slice("unix://".length) }
        : {}),
      PORT: String(port),
      HOST: "127.0.0.1",
      PLAYGROUND_INSTANCE: instance,
      POOL_SIZE: "0",
      RATE_LIMIT_SESSIONS: "1000",
    };
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    if (extra && existsSync(extra) && !existsSync(caCopy)) {
      copyFileSync(extra, caCopy);
      caCopied = true;
    }
  });

  after(async () => {
    if (!downDone && compose) await run(["down", "-v", "--timeout", "5"], env, 120_000).catch((e: Error) => console.error(e.message));
    await removeInstance(instance);
    if (caCopied) rmSync(caCopy, { force: true });
  });

  test("up --build, a session runs a command, down leaves nothing", { timeout: 30 * 60_000 }, async (t) => {
    let started = Date.now();
    await run(["up", "-d", "--build"], env, 25 * 60_000);
    t.diagnostic(`up -d --build: ${((Date.now() - started) / 1000).toFixed(1)} s`);

    started = Date.now();
    let health: Response | undefined;
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(500)) {
      health = await fetch(`${url}/api/health`).catch(() => undefined);
      if (health?.status === 200) break;
    }
    if (health?.status !== 200) {
      const logs = await run(["logs", "--no-color"], env, 60_000).catch((e: Error) => e.message);
      assert.fail(`/api/health never answered 200 (last: ${health?.status}):\n${logs.slice(-4000)}`);
    }
    t.diagnostic(`healthy ${((Date.now() - started) / 1000).toFixed(1)} s after up returned`);

    // The entry point installed the host firewall rules, then dropped root and every capability.
    const logs = await run(["logs", "--no-color", "app"], env, 60_000);
    assert.match(logs, /host firewall rules for the sessions' bridges installed/);
    const [app] = await hostDocker.listContainers({
      filters: { label: [`com.docker.compose.project=${project}`, "com.docker.compose.service=app"] },
    });
    assert.ok(app, "the app container runs");
    assert.equal(app.HostConfig.NetworkMode, "host");
    const top = (await hostDocker.getContainer(app.Id).top({ ps_args: "-o pid,uid,args" })) as { Processes: string[][] };
    const server = top.Processes.find((p) => p[2]?.startsWith("node ") && p[2]?.includes("server.ts"));
    assert.ok(server, JSON.stringify(top.Processes));
    assert.notEqual(server[1], "0", "the server runs as root");
    // ... and may write its classes into the data volume.
    const probe = await hostDocker.getContainer(app.Id).exec({ Cmd: ["test", "-w", "/app/.data"], User: server[1], AttachStdout: true, AttachStderr: true });
    const output = await probe.start({});
    output.resume();
    await once(output, "end");
    assert.equal((await probe.inspect()).ExitCode, 0, "/app/.data is not writable by the server's user");

    // A session, through the API only.
    const created = await fetch(`${url}/api/sessions`, { method: "POST" });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as SessionView;
    for (const deadline = Date.now() + 90_000; ; await sleep(250)) {
      const view = (await (await fetch(`${url}/api/sessions/${id}`)).json()) as SessionView;
      const status = view.nodes[0]?.status;
      if (status === "ready") break;
      assert.notEqual(status, "failed", view.nodes[0]?.message);
      assert.ok(Date.now() < deadline, `node1 is still ${status} after 90 s`);
    }
    const res = await fetch(`${url}/api/sessions/${id}/nodes/node1/exec`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cmd: ["docker", "version", "--format", "{{.Server.Version}}"] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const exec = (await res.json()) as ExecResult;
    assert.equal(exec.exitCode, 0, exec.stderr);
    assert.match(exec.stdout, /^\d+\.\d+/);

    // The node's own engine, on port 2375 of the session's network: the host's network reaches it.
    const panel = await fetch(`${url}/api/sessions/${id}/nodes/node1/docker`);
    assert.equal(panel.status, 200, await panel.clone().text());

    const terminal = await TestTerminal.open({ baseUrl: url, sessionId: id });
    try {
      await terminal.waitForPrompt(30_000);
      terminal.type("echo compose-$((6*7))\r");
      await terminal.waitFor("compose-42");
    } finally {
      terminal.close();
      await terminal.closedPromise();
    }

    const deleted = await fetch(`${url}/api/sessions/${id}`, { method: "DELETE" });
    assert.equal(deleted.status, 204);

    // -v: the project's volume of classes too, which an operator's `down` keeps.
    await run(["down", "-v", "--timeout", "10"], env, 120_000);
    downDone = true;
    assert.deepEqual(await resourcesLabelled([`com.docker.compose.project=${project}`], hostDocker), { containers: [], volumes: [], networks: [] });
    // The disk keeper stays, like the registry, for the next start; it must hold no disk.
    const keeper = `playground-${instance}-disks`;
    assert.deepEqual(await resourcesOf(instance), { containers: [`/${keeper}`], volumes: [keeper], networks: [] });
    assert.deepEqual(await diskKeeper(instance).sessions(), []);
  });
});
