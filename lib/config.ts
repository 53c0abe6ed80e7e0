/**
 * The playground's configuration: read from the environment once, at start,
 * validated, and passed down. Nothing else reads process.env.
 */
import { z } from "zod";

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const schema = z.object({
  PORT: int(3000),
  HOST: z.string().default("0.0.0.0"),
  /** Origins allowed to open terminal sockets, comma-separated; empty = the request's own host only. */
  ALLOWED_ORIGINS: z.string().default(""),
  /** Trust X-Forwarded-For for the client address (only behind a proxy you run). */
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  /** Serve GET /metrics to every address, not only to loopback. */
  METRICS_PUBLIC: z.enum(["true", "false"]).default("false"),
  /** Separates the sandboxes of several playgrounds sharing one engine. */
  PLAYGROUND_INSTANCE: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/).default("default"),
  SANDBOX_IMAGE: z.string().default("playground/sandbox:latest"),
  /**
   * How nodes are kept from the host. userns: every node runs on the
   * playground engine (sandbox/engine.sh), whose user-namespace remapping
   * makes root in a node an unprivileged uid on the host. none: nodes run on
   * the host's engine as root of the host's user namespace, with CAP_SYS_ADMIN
   * there (for hosts where remapping is impossible; see the README).
   */
  NODE_ISOLATION: z.enum(["userns", "none"]).default("userns"),
  /** The playground engine's socket, used with NODE_ISOLATION=userns unless DOCKER_HOST names an engine. */
  PLAYGROUND_ENGINE_SOCKET: z.string().min(1).default("/run/playground/engine.sock"),
  /** The engine to use (as for the docker CLI); by default the playground engine, or the host's with NODE_ISOLATION=none. */
  DOCKER_HOST: z.string().optional(),
  REGISTRY_CONTAINER: z.string().default("playground-registry"),
  /** The npm cache (sandbox/cache) that session networks reach as npm.playground. */
  NPM_CACHE_CONTAINER: z.string().default("playground-npm-cache"),
  APT_CACHE_CONTAINER: z.string().default("playground-apt-cache"),
  /**
   * The playground engine's range for session networks (set up by
   * sandbox/engine.sh, cut into /26 subnets); the server only counts them.
   */
  SESSION_SUBNETS: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "an IPv4 range such as 10.213.0.0/16").default("10.213.0.0/16"),
  SESSION_TTL_MS: int(4 * 3600_000, 10_000),
  /** How much "Extend" adds to a session's time. */
  SESSION_EXTEND_MS: int(3600_000, 1000),
  /** The longest a session may run, extensions included. */
  SESSION_MAX_MS: int(8 * 3600_000, 10_000),
  /** A session that nobody has open for this long ends early; 0 = never. */
  IDLE_TIMEOUT_MS: int(30 * 60_000, 0),
  /** Nodes one session may have. */
  MAX_NODES: int(5, 1),
  /**
   * Published ports open at http://PORT-NODE-ID.<this domain>:<the page's port>.
   * Any *.localhost name reaches this machine in browsers; elsewhere, point a
   * wildcard DNS record here. Pages opened under another host name get
   * path links (/ports/...) instead.
   */
  PORTS_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/).default("localhost"),
  /** Largest file one upload may carry, in MiB. */
  UPLOAD_MAX_MB: int(100, 1),
  MAX_SESSIONS: int(30, 1),
  /** Sessions started ahead so that a new one is ready at once; 0 disables the pool. */
  POOL_SIZE: int(2, 0),
  /**
   * Sessions one client address may create per RATE_LIMIT_WINDOW_MS. A
   * classroom usually reaches the server from one address, so the default
   * lets a class of MAX_SESSIONS's default press Start at once.
   */
  RATE_LIMIT_SESSIONS: int(40, 1),
  RATE_LIMIT_WINDOW_MS: int(60_000, 1000),
  NODE_MEMORY_MB: int(2048, 256),
  NODE_CPUS: z.coerce.number().positive().default(1),
  NODE_PIDS_LIMIT: int(1024, 64),
  /**
   * Disk of each node's Docker engine (its images, containers, volumes, build
   * cache), in GiB: a filesystem of that size per node. 0 = no quota.
   */
  NODE_DISK_GB: int(10, 0),
  /** How long a node may take until its inner engine answers. */
  NODE_READY_TIMEOUT_MS: int(60_000, 1000),
  REAPER_INTERVAL_MS: int(30_000, 100),
  /**
   * How terminals reach a node: the Engine API (an exec with a TTY over a
   * hijacked connection), or node-pty running `docker exec -it`. The API is
   * the default: in `npm run bench` it needs no host process per terminal
   * (each `docker exec` client costs about 24 MiB) and carries more output
   * (31 against 17-22 MB/s), with echo times within a few ms of the pty's.
   */
  TERMINAL_BACKEND: z.enum(["api", "pty"]).default("api"),
  /** More workshop folders (native or Killercoda), separated by ":"; the built-in ones are always there. */
  LESSON_DIRS: z.string().default(""),
  /** Where the server keeps what must survive a restart besides the sessions (the classes). */
  DATA_DIR: z.string().min(1).default(".data"),
  /** Seats of a new class when its instructor does not say. */
  COHORT_SEATS: int(40, 1),
  /**
   * For this long after a class is made, its free seats are started ahead
   * (within MAX_SESSIONS and the host's room), so that a join finds a node
   * ready. 0: never.
   */
  CLASS_WARM_MINUTES: int(180, 0),
});

/** The environment variables the server reads (compose.yaml passes each to the app). */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

export interface Config {
  port: number;
  host: string;
  allowedOrigins: string[];
  trustProxy: boolean;
  metricsPublic: boolean;
  instance: string;
  /** What dockerode and the docker CLI connect to; undefined = the host's default socket. */
  engineHost?: string;
  node: {
    instance: string;
    isolation: "userns" | "none";
    sandboxImage: string;
    registryContainer: string;
    npmCacheContainer: string;
    aptCacheContainer: string;
    nodeMemoryBytes: number;
    nodeNanoCpus: number;
    nodePidsLimit: number;
    /** Size of each node's disk; 0 = no quota (the engine's data on the host's disk). */
    nodeDiskBytes: number;
    nodeReadyTimeoutMs: number;
    /** Where session networks' subnets come from (the playground engine's pools; cut by the runtime with NODE_ISOLATION=none). */
    sessionSubnets: string;
  };
  sessionTtlMs: number;
  sessionExtendMs: number;
  sessionMaxMs: number;
  idleTimeoutMs: number;
  maxNodes: number;
  portsDomain: string;
  uploadMaxBytes: number;
  maxSessions: number;
  poolSize: number;
  rateLimitSessions: number;
  rateLimitWindowMs: number;
  reaperIntervalMs: number;
  terminalBackend: "pty" | "api";
  classWarmMs: number;
  lessonDirs: string[];
  dataDir: string;
  cohortSeats: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    allowedOrigins: e.ALLOWED_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean),
    trustProxy: e.TRUST_PROXY === "true",
    metricsPublic: e.METRICS_PUBLIC === "true",
    instance: e.PLAYGROUND_INSTANCE,
    engineHost: e.DOCKER_HOST || (e.NODE_ISOLATION === "userns" ? `unix://${e.PLAYGROUND_ENGINE_SOCKET}` : undefined),
    node: {
      instance: e.PLAYGROUND_INSTANCE,
      isolation: e.NODE_ISOLATION,
      sandboxImage: e.SANDBOX_IMAGE,
      registryContainer: e.REGISTRY_CONTAINER,
      npmCacheContainer: e.NPM_CACHE_CONTAINER,
      aptCacheContainer: e.APT_CACHE_CONTAINER,
      nodeMemoryBytes: e.NODE_MEMORY_MB * 1024 * 1024,
      nodeNanoCpus: Math.round(e.NODE_CPUS * 1e9),
      nodePidsLimit: e.NODE_PIDS_LIMIT,
      nodeDiskBytes: e.NODE_DISK_GB * 1024 ** 3,
      nodeReadyTimeoutMs: e.NODE_READY_TIMEOUT_MS,
      sessionSubnets: e.SESSION_SUBNETS,
    },
    sessionTtlMs: e.SESSION_TTL_MS,
    sessionExtendMs: e.SESSION_EXTEND_MS,
    sessionMaxMs: Math.max(e.SESSION_MAX_MS, e.SESSION_TTL_MS),
    idleTimeoutMs: e.IDLE_TIMEOUT_MS,
    maxNodes: Math.min(e.MAX_NODES, 99),
    portsDomain: e.PORTS_DOMAIN,
    uploadMaxBytes: e.UPLOAD_MAX_MB * 1024 * 1024,
    maxSessions: e.MAX_SESSIONS,
    poolSize: e.POOL_SIZE,
    rateLimitSessions: e.RATE_LIMIT_SESSIONS,
    rateLimitWindowMs: e.RATE_LIMIT_WINDOW_MS,
    reaperIntervalMs: e.REAPER_INTERVAL_MS,
    terminalBackend: e.TERMINAL_BACKEND,
    lessonDirs: e.LESSON_DIRS.split(":").map((s) => s.trim()).filter(Boolean),
    dataDir: e.DATA_DIR,
    cohortSeats: e.COHORT_SEATS,
    classWarmMs: e.CLASS_WARM_MINUTES * 60_000,
  };
}
