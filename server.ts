/**
 * The playground's server: Next.js for pages and the HTTP API, plus the
 * terminal WebSockets, in one process. Reads the configuration once, adopts
 * the sessions a previous run left, and serves until SIGINT/SIGTERM (which
 * leaves sessions running for the next start to adopt).
 */
import Docker from "dockerode";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import next from "next";
import { loadConfig } from "./lib/config";
import { withDeadlines } from "./lib/docker/engine";
import { DockerRuntime } from "./lib/docker/runtime";
import { PortWatcher } from "./lib/ports/watcher";
import { CLIENT_ADDRESS_HEADER, setContext, setHttpErrorHook } from "./lib/server/context";
import { hostRoom } from "./lib/server/host-room";
import { log } from "./lib/server/log";
import { cachedStatus } from "./lib/server/engine-status";
import { createMetrics, metricsEndpoint } from "./lib/server/metrics";
import { portsProxy } from "./lib/server/ports-proxy";
import { terminalSockets } from "./lib/server/terminal-socket";
import { refuseUnroutable } from "./lib/server/unroutable";
import { NodeNotReadyError } from "./lib/sessions/errors";
import { fileLedger } from "./lib/sessions/handouts";
import { SessionManager } from "./lib/sessions/manager";
import { memoryLimiter } from "./lib/sessions/rate-limit";
import { apiExec } from "./lib/terminal/api-exec";
import { ptyDockerExec } from "./lib/terminal/pty";
import { TerminalService } from "./lib/terminal/service";
import { WorkshopCatalog } from "./lib/workshops/catalog";
import { Cohorts } from "./lib/workshops/cohorts";
import { jsonFileStore } from "./lib/workshops/file-store";
import { WorkshopRuns } from "./lib/workshops/runs";

async function main() {
  const config = loadConfig();
  // Next's telemetry would call out to the internet; a classroom server must not.
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const dev = process.env.NODE_ENV !== "production";

  // The playground engine's socket (NODE_ISOLATION=userns), or what dockerode finds itself
  // (DOCKER_HOST, or the default socket). Every request gets a deadline, and a failed
  // connection becomes engine_unavailable (lib/docker/engine.ts).
  const socketPath = config.engineHost?.startsWith("unix://") ? config.engineHost.slice("unix://".length) : undefined;
  const docker = withDeadlines(new Docker(socketPath ? { socketPath } : undefined));
  const runtime = new DockerRuntime(docker, config.node);
  const manager = new SessionManager(runtime, memoryLimiter(config.rateLimitSessions, config.rateLimitWindowMs), {
    instance: config.instance,
    sessionTtlMs: config.sessionTtlMs,
    extendMs: config.sessionExtendMs,
    maxLifetimeMs: config.sessionMaxMs,
    idleTimeoutMs: config.idleTimeoutMs,
    maxNodes: config.maxNodes,
    maxSessions: config.maxSessions,
    poolSize: config.poolSize,
    refillAfterMs: 2000,
    handouts: fileLedger(join(resolve(config.dataDir), "handouts.json")),
    room: hostRoom({ isolation: config.node.isolation, sessionSubnets: config.node.sessionSubnets, nodePidsLimit: config.node.nodePidsLimit }),
    reaperIntervalMs: config.reaperIntervalMs,
    log,
  });
  // Every open session page listens to it (app/api/sessions/[id]/events): a class is more than ten.
  manager.setMaxListeners(0);
  const spawnTerminal =
    config.terminalBackend === "api" ? apiExec(docker, config.instance) : ptyDockerExec(config.instance, { ...process.env, DOCKER_HOST: config.engineHost });
  const terminals = new TerminalService(manager, spawnTerminal);
  const ports = new PortWatcher(runtime, manager);
  // Each node serves its engine's API on port 2375 of the session's network.
  const engines = new Map<string, Docker>();
  const nodeEngine = async (id: string, node: string) => {
    await manager.readyNode(id, node, 30_000);
    // A node whose engine stopped still runs (files, shells, ports), but has no engine to show.
    const state = manager.nodeState(id, node);
    if (state.status !== "ready") throw new NodeNotReadyError(node, state.message ?? "its Docker engine is not running");
    const ip = manager.nodeAddress(id, node);
    let engine = engines.get(ip);
    if (!engine) {
      if (engines.size > 1000) engines.clear();
      engine = new Docker({ protocol: "http", host: ip, port: 2375, timeout: 60_000 });
      engines.set(ip, engine);
    }
    return engine;
  };
  const workshops = {
    catalog: new WorkshopCatalog([join(__dirname, "lib", "workshops", "library"), ...config.lessonDirs.map((d) => resolve(d))], log),
    runs: new WorkshopRuns({
      exec: (id, node, cmd, timeoutMs, opts) => manager.exec(id, node, cmd, timeoutMs, opts),
      writeFile: async (id, node, path, content) => {
        await manager.writeFile(id, node, path, Readable.from([content]), content.length);
      },
    }),
    cohorts: new Cohorts(jsonFileStore(join(resolve(config.dataDir), "cohorts.json")), Date.now, {
      forMs: config.classWarmMs,
      onSeats: (seats) => manager.warmClassSeats(seats),
    }),
  };
  manager.on("removed", (id) => workshops.runs.forget(id));
  workshops.runs.setMaxListeners(0); // every open class dashboard listens
  void workshops.catalog.current();
  // Health checks share one engine question per 1.5 s.
  const engineStatus = cachedStatus(() => runtime.status(), 1500);
  setContext({ config, manager, runtime, engineStatus, ports, nodeEngine, workshops, hub: runtime.hub });
  // Made before the manager starts, so that the pool's first nodes are counted too.
  const metrics = createMetrics({
    manager,
    terminalConnections: () => sockets.connections(),
    engineStatus: () => runtime.status(),
  });
  setHttpErrorHook(metrics.httpError);
  const sockets = terminalSockets({ manager, terminals, allowedOrigins: config.allowedOrigins, log, onConnection: metrics.wsConnection });

  const status = await runtime.status();
  if (!status.engine.reachable) log("engine_unreachable", { message: status.engine.message });
  else if (!status.sandboxImage || !status.registryRunning) log("images_missing", { ...status, hint: "npm run setup" });
  await manager.start();
  // Classes made before a restart, and warm windows closing as time goes by.
  const rewarm = () => void workshops.cohorts.rewarm().catch((e: unknown) => log("class_warm_failed", { error: String(e) }));
  rewarm();
  setInterval(rewarm, 60_000).unref();

  const app = next({ dev, dir: __dirname, hostname: "localhost", port: config.port });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const proxy = portsProxy({ manager, domain: config.portsDomain, log, onResult: metrics.proxyRequest });
  const serveMetrics = metricsEndpoint(metrics, config.metricsPublic);

  const server = createServer((req, res) => {
    // Published ports first: their host names and /ports/ paths never reach the app.
    if (proxy.handleRequest(req, res)) return;
    if (serveMetrics(req, res)) return;
    // Methods and paths Next would fail with a 500 get a 405 or 400 instead (JSON under /api/).
    if (refuseUnroutable(req, res)) return;
    // The last X-Forwarded-For entry is the one our own proxy added; earlier ones are the client's to invent.
    const forwarded = config.trustProxy ? String(req.headers["x-forwarded-for"] ?? "").split(",").at(-1)?.trim() : "";
    req.headers[CLIENT_ADDRESS_HEADER] = forwarded || req.socket.remoteAddress || "unknown";
    void handleNext(req, res);
  });
  // Only our own paths are handled here; Next's listener (dev HMR) handles the rest.
  server.on("upgrade", (req, socket, head) => {
    if (!proxy.handleUpgrade(req, socket, head)) sockets.handleUpgrade(req, socket, head);
  });
  // Next keeps the process alive after an uncaught error: a port that is taken must stop it here.
  server.once("error", (e: NodeJS.ErrnoException) => {
    log("listen_failed", { error: String(e), hint: e.code === "EADDRINUSE" ? `port ${config.port} is taken: stop what uses it, or set PORT` : undefined });
    manager.stop();
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    log("listening", { url: `http://localhost:${port}`, dev, instance: config.instance });
  });

  const shutdown = (signal: string) => {
    log("shutting_down", { signal });
    manager.stop();
    terminals.closeAll();
    ports.stopAll();
    proxy.close();
    sockets.close();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
