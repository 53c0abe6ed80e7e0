/**
 * Prometheus metrics, served by server.ts at GET /metrics (text format
 * 0.0.4) from a registry of their own. Counts only: no session id, node
 * address or client address ever appears here.
 *
 * Gauges, computed at scrape time:
 *   playground_sessions_active                 sessions holding a seat
 *   playground_sessions_max                    MAX_SESSIONS
 *   playground_nodes{status}                   nodes of held and pooled sessions: provisioning, ready, failed, stopped
 *   playground_pool_size / _pool_ready / _pool_target   the warm pool
 *   playground_terminal_connections{access}    terminal sockets joined to a shell: control, watch
 *   playground_engine_up                       1 when the host's engine answers (checked at most every few seconds)
 * Counters:
 *   playground_sessions_created_total          sessions handed out
 *   playground_sessions_ended_total{reason}    deleted, expired, idle (counted once their resources are gone)
 *   playground_nodes_failed_total              nodes that failed to start
 *   playground_nodes_stopped_total{what}       ready nodes whose Docker engine (engine) or whole container (node) stopped
 *   playground_http_errors_total{code}         API error responses (4xx and 5xx) by their JSON code
 *   playground_ws_connections_total{access}    terminal sockets that joined a shell
 *   playground_proxy_requests_total{result}    port proxy requests and upgrades: ok, refused, no_session
 * Histogram:
 *   playground_node_provision_seconds          from the start of a node to its ready engine
 * Plus prom-client's process and Node.js metrics, prefixed playground_.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Access } from "../protocol";
import type { EndReason, SessionManager } from "../sessions/manager";
import type { RuntimeStatus } from "../sessions/runtime";
import { log } from "./log";
import type { ProxyResult } from "./ports-proxy";

export interface MetricsSources {
  manager: SessionManager;
  /** Terminal sockets joined to a shell now, by access. */
  terminalConnections: () => Record<Access, number>;
  /** The runtime's status; only `engine.reachable` is read. */
  engineStatus: () => Promise<RuntimeStatus>;
  /** How long an engine check is reused (default 5 s). */
  engineCacheMs?: number;
  /** How long a scrape waits for an engine check before answering with the last value (default 2 s). */
  engineTimeoutMs?: number;
  /** prom-client's process and Node.js metrics (default on). */
  defaultMetrics?: boolean;
  now?: () => number;
}

export interface PlaygroundMetrics {
  registry: Registry;
  /** Counts one API error response by its JSON code. */
  httpError(code: string): void;
  /** Counts one terminal socket that joined a shell. */
  wsConnection(access: Access): void;
  /** Counts one port proxy request or upgrade by how it ended. */
  proxyRequest(result: ProxyResult): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Node start-up takes from about a second (warm) to a minute (NODE_READY_TIMEOUT_MS). */
const PROVISION_BUCKETS = [0.5, 1, 2, 3, 5, 8, 13, 20, 30, 45, 60];

export function createMetrics(src: MetricsSources): PlaygroundMetrics {
  const registry = new Registry();
  const registers = [registry];
  const now = src.now ?? Date.now;
  if (src.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "playground_" });
  const { manager } = src;

  new Gauge({
    name: "playground_sessions_active",
    help: "Sessions holding a seat (not ending, not expired, not failed).",
    registers,
    collect() {
      this.set(manager.activeCount);
    },
  });
  new Gauge({
    name: "playground_sessions_max",
    help: "Sessions that may run at once (MAX_SESSIONS).",
    registers,
    collect() {
      this.set(manager.maxSessions);
    },
  });
  new Gauge({
    name: "playground_nodes",
    help: "Nodes of the sessions held and pooled, by status.",
    labelNames: ["status"] as const,
    registers,
    collect() {
      for (const [status, n] of Object.entries(manager.nodeCounts)) this.set({ status }, n);
    },
  });
  const pool = (name: "size" | "ready" | "target", help: string) =>
    new Gauge({
      name: `playground_pool_${name}`,
      help,
      registers,
      collect() {
        this.set(manager.poolView[name]);
      },
    });
  pool("size", "Sessions started ahead and not handed out yet.");
  pool("ready", "Pooled sessions ready to hand out.");
  pool("target", "Sessions the pool keeps started ahead (POOL_SIZE).");
  new Gauge({
    name: "playground_terminal_connections",
    help: "Terminal sockets joined to a shell, by access.",
    labelNames: ["access"] as const,
    registers,
    collect() {
      for (const [access, n] of Object.entries(src.terminalConnections())) this.set({ access }, n);
    },
  });
  const engineUp = engineCheck(src.engineStatus, now, src.engineCacheMs ?? 5000, src.engineTimeoutMs ?? 2000);
  new Gauge({
    name: "playground_engine_up",
    help: "1 when the host's Docker engine answers, 0 otherwise (checked at most every few seconds).",
    registers,
    async collect() {
      this.set((await engineUp()) ? 1 : 0);
    },
  });

  const created = new Counter({ name: "playground_sessions_created_total", help: "Sessions handed out.", registers });
  const ended = new Counter({
    name: "playground_sessions_ended_total",
    help: "Sessions ended and removed, by reason.",
    labelNames: ["reason"] as const,
    registers,
  });
  const nodesFailed = new Counter({ name: "playground_nodes_failed_total", help: "Nodes that failed to start.", registers });
  const nodesStopped = new Counter({
    name: "playground_nodes_stopped_total",
    help: "Ready nodes whose Docker engine (engine) or whole container (node) stopped.",
    labelNames: ["what"] as const,
    registers,
  });
  const httpErrors = new Counter({
    name: "playground_http_errors_total",
    help: "API error responses (4xx and 5xx), by their JSON error code.",
    labelNames: ["code"] as const,
    registers,
  });
  const wsConnections = new Counter({
    name: "playground_ws_connections_total",
    help: "Terminal sockets that joined a shell, by access.",
    labelNames: ["access"] as const,
    registers,
  });
  const proxyRequests = new Counter({
    name: "playground_proxy_requests_total",
    help: "Port proxy requests and upgrades: passed on (ok), nothing answered (refused), no such session or ready node (no_session).",
    labelNames: ["result"] as const,
    registers,
  });
  const provision = new Histogram({
    name: "playground_node_provision_seconds",
    help: "Time from the start of a node to its ready engine.",
    buckets: PROVISION_BUCKETS,
    registers,
  });

  // Every label value shows from the first scrape, at 0.
  for (const reason of ["deleted", "expired", "idle"] satisfies EndReason[]) ended.inc({ reason }, 0);
  for (const access of ["control", "watch"] satisfies Access[]) wsConnections.inc({ access }, 0);
  for (const result of ["ok", "refused", "no_session"] satisfies ProxyResult[]) proxyRequests.inc({ result }, 0);
  for (const what of ["engine", "node"] as const) nodesStopped.inc({ what }, 0);

  manager.on("created", () => created.inc());
  manager.on("removed", (_id, reason) => ended.inc({ reason }));
  manager.on("nodeReady", (_id, _node, ms) => provision.observe(ms / 1000));
  manager.on("nodeFailed", () => nodesFailed.inc());
  manager.on("nodeStopped", (_id, _node, what) => nodesStopped.inc({ what }));

  return {
    registry,
    // Codes come from the server's own errors; the bound keeps a bug from growing the series without limit.
    httpError: (code) => httpErrors.inc({ code: /^[a-z0-9_]{1,40}$/.test(code) ? code : "other" }),
    wsConnection: (access) => wsConnections.inc({ access }),
    proxyRequest: (result) => proxyRequests.inc({ result }),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

/**
 * Whether the engine answers, without ever making a scrape wait long: a
 * check is reused for `cacheMs`, only one runs at a time, and a scrape waits
 * at most `timeoutMs` for it before answering with the last known value.
 */
function engineCheck(status: () => Promise<RuntimeStatus>, now: () => number, cacheMs: number, timeoutMs: number) {
  let up = false;
  let checkedAt = -Infinity;
  let running: Promise<boolean> | undefined;
  return async (): Promise<boolean> => {
    if (!running && now() - checkedAt >= cacheMs) {
      running = status()
        .then((s) => s.engine.reachable, () => false)
        .then((reachable) => {
          up = reachable;
          checkedAt = now();
          running = undefined;
          return reachable;
        });
    }
    if (!running) return up;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(up), timeoutMs);
    });
    try {
      return await Promise.race([running, late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Loopback addresses, IPv4-mapped ones included. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (isIP(a) === 4) return a.startsWith("127.");
  return a === "::1";
}

/**
 * Serves GET /metrics; returns false for every other path. From loopback
 * always; from elsewhere only when `isPublic` (METRICS_PUBLIC). The socket's
 * own address decides: X-Forwarded-For is never read here.
 */
export function metricsEndpoint(metrics: PlaygroundMetrics, isPublic: boolean) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    if ((q < 0 ? url : url.slice(0, q)) !== "/metrics") return false;
    const text = (status: number, body: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers }).end(body);
    if (!isPublic && !isLoopback(req.socket.remoteAddress)) {
      text(403, "Metrics are served to this machine only (set METRICS_PUBLIC=true to serve them to every address).\n");
      return true;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      text(405, "GET only.\n", { allow: "GET, HEAD" });
      return true;
    }
    metrics.render().then(
      ({ contentType, body }) => {
        res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : body);
      },
      (e) => {
        log("metrics_failed", { error: String(e) });
        text(500, "The metrics could not be collected; the reason is in the server's log.\n");
      },
    );
    return true;
  };
}
