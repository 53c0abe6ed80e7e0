/**
 * Starts the real playground server (production build, real engine) on a
 * free port with its own instance name, so tests never touch anyone else's
 * sandboxes, and removes everything the instance left when stopped.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { join } from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";
import { DiskKeeper } from "../../lib/docker/disks";
import type { SessionView } from "../../lib/protocol";

const root = join(__dirname, "..", "..");
const execFileAsync = promisify(execFile);
export const docker = new Docker();

export interface TestServer {
  url: string;
  instance: string;
  logs: string[];
  /** Process id of the spawned server command (tsx; the server itself may be its child). */
  pid: number;
  /** Stops the process (SIGTERM); sessions are left running, as in production. */
  stop(): Promise<void>;
  /** Stops it and removes every resource of its instance. */
  destroy(): Promise<void>;
  api(path: string, init?: RequestInit): Promise<Response>;
  createSession(): Promise<SessionView>;
  /** Creates a session and waits until node1 is ready. */
  readySession(): Promise<SessionView>;
  exec(id: string, cmd: string[], node?: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export const newInstance = () => `test-${randomBytes(4).toString("hex")}`;

export async function startServer(env: Record<string, string> = {}, instance = newInstance()): Promise<TestServer> {
  const child: ChildProcess = spawn(join(root, "node_modules", ".bin", "tsx"), ["server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: "0",
      HOST: "127.0.0.1",
      PLAYGROUND_INSTANCE: instance,
      RATE_LIMIT_SESSIONS: "1000",
      POOL_SIZE: "0",
      // A class's 40 seats would start 40 nodes beside every test; the tests of warm seats ask for them.
      CLASS_WARM_MINUTES: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join("\n")}`)), 60_000);
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        logs.push(line);
        const m = /"event":"listening".*"url":"([^"]+)"/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      }
    };
    child.stdout!.on("data", onLine);
    child.stderr!.on("data", onLine);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${logs.join("\n")}`)));
  });

  const api = (path: string, init?: RequestInit) => fetch(new URL(path, url), init);
  const server: TestServer = {
    url,
    instance,
    logs,
    pid: child.pid!,
    api,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
    async destroy() {
      await server.stop();
      await removeInstance(instance);
    },
    async createSession() {
      const res = await api("/api/sessions", { method: "POST" });
      if (res.status !== 201) throw new Error(`POST /api/sessions: ${res.status} ${await res.text()}`);
      return (await res.json()) as SessionView;
    },
    async readySession() {
      const session = await server.createSession();
      const deadline = Date.now() + 60_000;
      for (;;) {
        const view = (await (await api(`/api/sessions/${session.id}`)).json()) as SessionView;
        const node = view.nodes[0];
        if (node?.status === "ready") return view;
        if (node?.status === "failed") throw new Error(`node failed: ${node.message}`);
        if (Date.now() > deadline) throw new Error("node not ready after 60 s");
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async exec(id, cmd, node = "node1") {
      const res = await api(`/api/sessions/${id}/nodes/${node}/exec`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ cmd, timeoutMs: 60_000 }),
      });
      if (res.status !== 200) throw new Error(`exec ${cmd.join(" ")}: ${res.status} ${await res.text()}`);
      return res.json();
    },
  };
  return server;
}

/** Everything of an instance still on the engine: containers, volumes, networks. */
export async function resourcesOf(instance: string, sessionId?: string) {
  const label = [`playground.instance=${instance}`];
  if (sessionId) label.push(`playground.session=${sessionId}`);
  return resourcesLabelled(label);
}

/** Containers, volumes and networks that carry every one of these labels (`key=value`). */
export async function resourcesLabelled(label: string[], engine: Docker = docker) {
  const filters = { label };
  const [containers, volumes, networks] = await Promise.all([
    engine.listContainers({ all: true, filters }),
    engine.listVolumes({ filters }),
    engine.listNetworks({ filters }),
  ]);
  return {
    containers: containers.map((c) => c.Names[0] ?? c.Id),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name),
    networks: networks.map((n) => n.Name),
  };
}

/** The instance's disk keeper, driven through the docker CLI (lib/docker/disks.ts). */
export function diskKeeper(instance: string): DiskKeeper {
  const image = process.env.SANDBOX_IMAGE ?? "playground/sandbox:latest";
  return new DiskKeeper(docker, { instance, image }, async (container, cmd) => {
    try {
      const { stdout, stderr } = await execFileAsync("docker", ["exec", container.id, ...cmd]);
      return { exitCode: 0, stdout, stderr };
    } catch (e) {
      const { code, stdout, stderr } = e as { code?: number; stdout?: string; stderr?: string };
      return { exitCode: typeof code === "number" ? code : 1, stdout: stdout ?? "", stderr: stderr ?? String(e) };
    }
  });
}

export async function removeInstance(instance: string): Promise<void> {
  const filters = { label: [`playground.instance=${instance}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const isKeeper = (c: (typeof containers)[number]) => c.Labels["playground.role"] === "disks";
  // Nodes first, which unmounts their disks; then the disks (loop devices and images); then the keeper.
  for (const c of containers.filter((c) => !isKeeper(c))) {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {});
  }
  const keeper = diskKeeper(instance);
  for (const id of await keeper.sessions().catch(() => [])) await keeper.remove(id, "*").catch(() => {});
  for (const c of containers.filter(isKeeper)) {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {});
  }
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
    await docker.getVolume(v.Name).remove().catch(() => {});
  }
  for (const n of await docker.listNetworks({ filters })) {
    for (const shared of ["playground-registry", "playground-npm-cache", "playground-apt-cache"]) {
      await docker.getNetwork(n.Id).disconnect({ Container: shared, Force: true }).catch(() => {});
    }
    await docker.getNetwork(n.Id).remove().catch(() => {});
  }
}

export const nodeContainer = (instance: string, sessionId: string, node = "node1") =>
  docker.getContainer(`playground-${instance}-${sessionId}-${node}`);
