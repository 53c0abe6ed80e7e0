/**
 * Abuse and bad input against the real server: thousands of random HTTP
 * requests (methods, paths built from every route under app/api with invalid
 * segments, random and huge bodies, lying headers), 50 MB bodies to every
 * POST, PUT and DELETE route, random, malformed and oversized WebSocket
 * frames, clients that never read, floods of sockets and of raw connections.
 * The server must answer every request sensibly (no 5xx but "the playground
 * is full" and a port page saying nothing listens there; JSON errors under
 * /api/), never crash, and leave nothing behind: no session, container,
 * terminal connection or open socket.
 *
 * Inputs come from fast-check with a fixed seed (FUZZ_SEED to change it); a
 * failure prints the seed and the input.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, sep } from "node:path";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import WebSocket from "ws";
import { CLOSE, MAX_COLS, MAX_ROWS, terminalPath, type HealthView, type ServerMessage, type SessionView } from "../../lib/protocol";
import { TestTerminal } from "../support/terminal-client";
import { diskKeeper, resourcesOf, startServer, type TestServer } from "../support/server";

const SEED = Number(process.env.FUZZ_SEED ?? 20260301);
const HTTP_REQUESTS = Number(process.env.FUZZ_HTTP_REQUESTS ?? 3000);
/** Random bodies sent to each POST, PUT and DELETE route, on top of the random requests. */
const BODIES_PER_ROUTE = 6;
const EXEC_REQUESTS = 100;
const WS_FRAMES = 2000;
const FLOOD_SOCKETS = 300;
const RAW_CONNECTIONS = 300;
/** Tiny bad frames sent by a client that reads nothing. */
const UNREAD_BAD_FRAMES = 200_000;
const CONCURRENCY = 16;
const MAX_PAYLOAD = 256 * 1024;
/** Sockets the server may hold open at the end beyond those it held before the test. */
const SOCKET_SLACK = 10;

/** Close codes a terminal socket may end with under abuse (README, "Terminal WebSocket"). */
const DOCUMENTED_CLOSE = new Set<number>([1000, 1007, 1009, CLOSE.NOT_FOUND, CLOSE.TOO_SLOW]);
/** Statuses Node's HTTP parser answers by itself, without a body, before the app sees a request. */
const NODE_OWN = new Set([400, 413, 417, 431, 505]);

const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt = 0): T[] => fc.sample(arb, { seed: SEED + salt, numRuns: n });
const context = (what: unknown) => `seed ${SEED} (FUZZ_SEED=${SEED} to replay): ${JSON.stringify(what)?.slice(0, 2000)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ routes

/**
 * Every API route, read from app/api's folders so that a new route is fuzzed
 * too: `[id]` becomes `:id`, `[node]` `:node`, a catch-all three segments and
 * any other parameter `:x`.
 */
function apiRoutes(): string[] {
  const dir = join(__dirname, "..", "..", "app", "api");
  const segment = (s: string) => (s === "[id]" ? ":id" : s === "[node]" ? ":node" : s.startsWith("[...") ? ":x/:x/:x" : s.startsWith("[") ? ":x" : s);
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => basename(f) === "route.ts")
    .map((f) => `/api/${dirname(f).split(sep).map(segment).join("/")}`)
    .sort();
}
const API_ROUTES = apiRoutes();
const OTHER_ROUTES = ["/ports/:id/:node/:x/", "/ports/:id/:node/:x", "/s/:id", "/ws/sessions/:id/nodes/:node/terminal"];
const QUERIES = ["", "", "?path=:q", "?tail=:q", "?path=:q&tail=:q&follow=:q", "?:q"];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const BODY_METHODS = ["POST", "PUT", "DELETE"];

// ------------------------------------------------------------------ inputs

/** Path segments that are legal on the wire but wrong for the API. */
const weirdSegment = fc.oneof(
  fc.constantFrom("..", ".", "%2e%2e", "%2F", "..%2F..%2Fetc", "%00", "%", "%zz", "%C0%AF", "%E2%80%AE", "%ff%fe", "~", "null", "undefined", "[object%20Object]"),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: "binary", maxLength: 40 }).map(encodeURIComponent),
  fc.stringMatching(/^[a-z0-9]{23,25}$/),
  fc.stringMatching(/^[A-Z0-9_-]{24}$/),
  fc.integer({ min: 100, max: 9000 }).map((n) => "a".repeat(n)),
);
const rareHuge = fc.constantFrom("b".repeat(20_000), "%41".repeat(3000));

const jsonText = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.anything({ maxDepth: 3 }).map((v) => {
    try {
      return JSON.stringify(v) ?? "";
    } catch {
      return String(v);
    }
  }),
);
/** Bodies of the right shape with wrong types or values. */
const shapedBody = fc
  .oneof(
    fc.record({ cmd: fc.anything({ maxDepth: 2 }), timeoutMs: fc.anything({ maxDepth: 1 }) }, { requiredKeys: [] }),
    fc.record({ template: fc.oneof(fc.string(), fc.anything({ maxDepth: 1 })) }),
    fc.record({ kind: fc.oneof(fc.constantFrom("dockerfile", "compose"), fc.anything({ maxDepth: 1 })), content: fc.anything({ maxDepth: 2 }) }),
    fc.record({ kind: fc.constantFrom("dockerfile", "compose"), content: fc.string({ maxLength: 2000 }) }),
    fc.record({ from: fc.anything({ maxDepth: 1 }), to: fc.anything({ maxDepth: 1 }) }),
    fc.record({ path: fc.anything({ maxDepth: 1 }) }),
  )
  .map((v) => JSON.stringify(v));
/** A body over the API's 256 KiB limit, made only when it is sent. */
interface HugeBody {
  huge: number;
}
type Body = string | Buffer | HugeBody;
const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 30, arbitrary: jsonText },
  { weight: 30, arbitrary: shapedBody },
  { weight: 20, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 10, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  { weight: 10, arbitrary: fc.constantFrom("", " ", "{", "[", "nul", '{"a":', "\u0000", '{"cmd":["true"]}garbage', "{}".repeat(1000), "\ufeff{}") },
  { weight: 10, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  { weight: 3, arbitrary: fc.integer({ min: MAX_PAYLOAD + 1, max: 2 * 1024 * 1024 }).map((huge): HugeBody => ({ huge })) },
);
const contentType = fc.constantFrom(
  undefined,
  "application/json",
  "application/json; charset=utf-16",
  "text/plain",
  "multipart/form-data; boundary=xyz",
  "multipart/form-data",
  "application/x-www-form-urlencoded",
  "application/octet-stream",
  "???",
  "a".repeat(5000),
);
/** Headers Node's own parser refuses or that lie about the body. */
const rawHeader = fc.constantFrom<Record<string, string>>(
  { "content-length": "99999999999999" },
  { "content-length": String(300 * 1024) },
  { "content-length": "-1" },
  { "content-length": "abc" },
  { "content-length": "1, 2" },
  { "transfer-encoding": "gzip, chunked" },
  { "transfer-encoding": "bogus" },
  { expect: "100-continue" },
  { expect: "nonsense" },
);
const badHost = fc.constantFrom("", "[::1", "localhost:99999", "évil.example", "h".repeat(300), "..", "127.0.0.1:0");

interface HttpCase {
  method: string;
  path: string;
  body?: Body;
  headers: Record<string, string>;
  /** Node's parser may answer (400, 413, 417, 431) without the app, or drop the connection. */
  raw: boolean;
}

/** The control id gets only requests that change nothing the rest of the test needs. */
function safeForControl(c: HttpCase): boolean {
  const pathname = c.path.split("?", 1)[0]!;
  if (["GET", "HEAD", "OPTIONS"].includes(c.method)) return !/\/files\/download/.test(pathname) || /[?&]path=fuzz-/.test(c.path);
  if (c.method === "DELETE") return /\/docker\/(containers|images|volumes|networks)\//.test(pathname);
  if (c.method === "POST") return /\/exec$|\/extend$|\/docker\/containers\/[^/]+\/[^/]+$|^\/api\/lint$/.test(pathname);
  return false;
}

/** Keys a body that creates a session or a node may have (createSessionBody, addNodeBody). */
const CREATE_KEYS = ["workshop", "cohort", "name"];

/** Creating sessions or nodes costs a container each: only bodies that must be refused. */
function bodyMayBeAccepted(b: Body | undefined): boolean {
  if (b === undefined) return true;
  if (!(typeof b === "string" || Buffer.isBuffer(b))) return false;
  const text = b.toString().trim();
  if (!text) return true;
  try {
    const v = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).every((k) => CREATE_KEYS.includes(k));
  } catch {
    return false;
  }
}

interface Ids {
  control: string;
  watch: string;
}

/** Filters that keep the test's own session usable and the engine free of new sessions. */
function harmless(real: Ids) {
  return (c: HttpCase) =>
    (!c.path.includes(real.control) || safeForControl(c)) &&
    // A download of / through either id would stream the whole node: only paths that do not exist.
    (!c.path.includes(real.watch) || !/\/files\/download/.test(c.path) || /[?&]path=fuzz-/.test(c.path)) &&
    !(c.method === "POST" && /^\/api\/sessions(\/[^/]+\/nodes)?$/.test(c.path.split("?", 1)[0]!) && bodyMayBeAccepted(c.body));
}

const idArb = (real: Ids) =>
  fc.oneof({ weight: 6, arbitrary: weirdSegment }, { weight: 1, arbitrary: rareHuge }, { weight: 3, arbitrary: fc.constantFrom(real.watch, real.control) });
const nodeArb = fc.oneof(weirdSegment, fc.constantFrom("node1", "node2", "node99", "node0", "NODE1", "node-1"));
const segArb = fc.oneof(weirdSegment, fc.constantFrom("start", "stop", "restart", "kill", "bridge", "host", "none", "sha256:" + "0".repeat(64), "1", "0", "-1", "65536"));
const queryValue = fc.oneof(
  fc.string({ maxLength: 60 }).map((s) => `fuzz-${encodeURIComponent(s)}`),
  weirdSegment,
  fc.constantFrom("", "..", "/", "%00", "/root", "/proc/self/environ", "-1", "1e9", "NaN"),
);

/** Fills a route's placeholders with random ids, nodes, segments and query values. */
function fill(route: string, r: { id: string; node: string; segs: string[]; q: string }): string {
  let i = 0;
  return route
    .replace(/:id/g, r.id)
    .replace(/:node/g, r.node)
    .replace(/:x/g, () => r.segs[i++ % r.segs.length]!)
    .replace(/:q/g, r.q);
}

function httpCases(real: Ids): fc.Arbitrary<HttpCase> {
  return fc
    .record({
      route: fc.constantFrom(...API_ROUTES, ...OTHER_ROUTES),
      query: fc.constantFrom(...QUERIES),
      method: fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...METHODS) }, { weight: 2, arbitrary: fc.constantFrom("PROPFIND", "TRACE", "MKCOL", "FOO", "CONNECT") }),
      id: idArb(real),
      node: nodeArb,
      segs: fc.array(segArb, { minLength: 3, maxLength: 3 }),
      q: queryValue,
      body: fc.option(body, { freq: 3 }),
      contentType,
      raw: fc.option(rawHeader, { freq: 8 }),
      host: fc.option(badHost, { freq: 12 }),
    })
    .map((r): HttpCase => {
      const path = fill(r.route + r.query, r);
      const headers: Record<string, string> = {};
      if (r.contentType) headers["content-type"] = r.contentType;
      if (r.host !== null) headers.host = r.host;
      if (r.raw) Object.assign(headers, r.raw);
      return {
        method: r.method,
        path,
        body: ["GET", "HEAD", "CONNECT"].includes(r.method) ? undefined : (r.body ?? undefined),
        headers,
        raw: r.raw !== null || r.host !== null || ["FOO", "CONNECT"].includes(r.method) || path.length > 8000,
      };
    })
    .filter(harmless(real));
}

/**
 * BODIES_PER_ROUTE random bodies to each POST, PUT and DELETE route, whatever the random requests hit.
 * Mostly through the watch id: a real session, so the body is read, yet nothing can be changed.
 */
function bodyCases(real: Ids): HttpCase[] {
  const arb = fc.record({
    id: fc.oneof({ weight: 2, arbitrary: fc.constant(real.watch) }, { weight: 1, arbitrary: idArb(real) }),
    node: fc.oneof({ weight: 2, arbitrary: fc.constant("node1") }, { weight: 1, arbitrary: nodeArb }),
    segs: fc.array(segArb, { minLength: 3, maxLength: 3 }),
    q: queryValue,
    body,
    contentType,
  });
  let salt = 100;
  return API_ROUTES.flatMap((route) =>
    BODY_METHODS.flatMap((method) =>
      sample(arb, BODIES_PER_ROUTE * 4, salt++)
        .map((r): HttpCase => {
          const path = fill(route, r);
          return { method, path, body: r.body, headers: r.contentType ? { "content-type": r.contentType } : {}, raw: path.length > 8000 };
        })
        .filter(harmless(real))
        .slice(0, BODIES_PER_ROUTE),
    ),
  );
}

const SAFE_ARGV0 = ["true", "false", "echo", "ls", "printf", "uname", "id", "pwd", "basename", "dirname", "no-such-command-fuzz"];
const execCase = fc.record({
  cmd: fc.oneof(
    fc.tuple(fc.constantFrom(...SAFE_ARGV0), fc.array(fc.string({ maxLength: 50 }), { maxLength: 6 })).map(([a, rest]) => [a, ...rest]),
    fc.tuple(fc.constantFrom("echo", "printf"), fc.array(fc.string({ unit: "binary", maxLength: 200 }), { maxLength: 3 })).map(([a, rest]) => [a, ...rest]),
    fc.tuple(fc.constantFrom("echo"), fc.constant("x".repeat(64 * 1024))).map(([a, x]) => [a, x]),
  ),
  timeoutMs: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constantFrom(0, -1, 1.5, 1e12, "100", null)),
});

/** Terminal frames: text, JSON of the right and wrong shapes, binary, and the ones that must close. */
type Frame = { kind: "text"; data: string } | { kind: "binary"; data: Buffer } | { kind: "big" } | { kind: "utf8" };
// eslint-disable-next-line no-control-regex -- removing control characters is the point: no Enter reaches the shell
const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, "");
const absurd = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 501, 201, 1e9, -1e9, 2 ** 31, 2 ** 53, 0.5, "80", null, true, [80], {}));
const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 300 }).map((data) => ({ kind: "text" as const, data })) },
  { weight: 3, arbitrary: fc.json({ maxDepth: 3 }).map((data) => ({ kind: "text" as const, data })) },
  {
    weight: 6,
    arbitrary: fc
      .oneof(
        fc.record({ type: fc.constant("resize"), cols: absurd, rows: absurd }),
        fc.record({ type: fc.constant("resize"), cols: fc.integer({ min: 1, max: MAX_COLS }), rows: fc.integer({ min: 1, max: MAX_ROWS }) }),
        fc.record({ type: fc.constant("ack"), bytes: fc.oneof(absurd, fc.constantFrom(Number.MAX_SAFE_INTEGER, 1e300)) }),
        fc.record({ type: fc.constant("input"), data: fc.oneof(fc.string({ maxLength: 200 }).map(printable), fc.anything({ maxDepth: 1 })) }),
        fc.record({ type: fc.constant("input"), data: fc.constant("x".repeat(64 * 1024 + 1)) }),
        fc.record({ type: fc.oneof(fc.string(), fc.anything({ maxDepth: 1 })), data: fc.anything({ maxDepth: 1 }) }),
      )
      .map((m) => ({ kind: "text" as const, data: JSON.stringify(m) })),
  },
  // Not JSON at all, though JavaScript would print them so: NaN, Infinity, a number too large for a double.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom("NaN", "Infinity", "-Infinity", "1e400", "-0", "0x50", "08", "1_000"), fc.constantFrom("cols", "rows"))
      .map(([v, k]) => ({ kind: "text" as const, data: `{"type":"resize","cols":80,"rows":24,"${k}":${v}}` })),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 500 }).map((b) => ({ kind: "binary" as const, data: Buffer.from(b) })) },
  { weight: 1, arbitrary: fc.constant({ kind: "big" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "utf8" as const }) },
);

// -------------------------------------------------------------- transport

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends one request; a huge body is written in chunks and may be cut off by the server's answer. */
function request(base: URL, c: Omit<HttpCase, "raw">, timeoutMs = 10_000): Promise<HttpAnswer> {
  // Node frames a DELETE's or OPTIONS' body by neither length nor chunks unless told: say how, as a browser would.
  const headers = { ...c.headers };
  if (c.body !== undefined && !("content-length" in headers) && !("transfer-encoding" in headers)) {
    if (typeof c.body === "string" || Buffer.isBuffer(c.body)) headers["content-length"] = String(Buffer.byteLength(c.body));
    else headers["transfer-encoding"] = "chunked";
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      // A redirect may echo a path of nearly 16 KiB in Location: read answers with headers of any sane size.
      { host: base.hostname, port: base.port, method: c.method, path: c.path, headers, agent: false, setHost: !("host" in headers), maxHeaderSize: 64 * 1024 },
      (res) => {
        const chunks: Buffer[] = [];
        // An event stream never ends by itself: its first event is the answer.
        const events = String(res.headers["content-type"]).startsWith("text/event-stream");
        res.on("data", (d: Buffer) => {
          chunks.push(d);
          const body = Buffer.concat(chunks).toString();
          if (!events || !/^(data|event): .*\n\n/m.test(body)) return;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          req.destroy();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
    // Settle whatever happens: a destroyed request may end without "end" or "error".
    req.on("close", () => {
      clearTimeout(timer);
      setImmediate(() => reject(new Error("connection closed without a complete answer")));
    });
    req.on("error", reject);
    if (c.body === undefined) return void req.end();
    if (typeof c.body === "string" || Buffer.isBuffer(c.body)) return void req.end(c.body);
    const chunk = Buffer.alloc(64 * 1024, "[");
    let left = c.body.huge;
    const pump = () => {
      while (left > 0 && !req.destroyed) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        if (!req.write(part)) return void req.once("drain", pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

/** A WebSocket's TCP socket, to send frames the library would not make. */
const rawSocket = (ws: WebSocket) => (ws as unknown as { _socket: net.Socket })._socket;

/** The server refused a body by answering and closing while it was still being sent. */
const cutOff = (e: unknown) => /ECONNRESET|EPIPE|socket hang up|closed without a complete answer/.test(String(e));

async function pool<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/** The server's processes: the spawned command and its descendants. */
function processTree(pid: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of rows) if (pp === tree[i]) tree.push(p);
  return tree;
}

/** Resident memory of the server's processes, in KiB. */
const rssKiB = (pid: number) =>
  processTree(pid).reduce((sum, p) => {
    try {
      return sum + Number(execFileSync("ps", ["-o", "rss=", "-p", String(p)], { encoding: "utf8" }).trim() || 0);
    } catch {
      return sum;
    }
  }, 0);

/** Sockets (TCP, Unix) the server's processes hold open. */
function openSockets(pid: number): number {
  let n = 0;
  for (const p of processTree(pid)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${p}/fd/${fd}`).startsWith("socket:")) n++;
      } catch {
        // closed while listing
      }
    }
  }
  return n;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits until `check` passes, retrying for `ms`; the last failure is thrown. */
async function eventually(ms: number, check: () => Promise<void> | void): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(100);
    }
  }
}

function checkAnswer(c: HttpCase, a: HttpAnswer): void {
  const why = () => `${c.method} ${c.path.slice(0, 300)} -> ${a.status} ${a.body.slice(0, 300)}\n${context(c)}`;
  const raw = c.path.split("?", 1)[0]!;
  // What the server routes: dot segments resolved (/api/../start is a page, not the API).
  let pathname = raw;
  try {
    pathname = new URL(raw, "http://playground.invalid").pathname;
  } catch {
    // not a URL path at all: judged as sent
  }
  if (a.status >= 500) {
    // The only 5xx answers that are not failures: the playground is full, and a port page that says nothing listens there.
    const full = a.status === 503 && /"code":"playground_full"/.test(a.body);
    const portPage = pathname.startsWith("/ports/") && [502, 503].includes(a.status) && a.body.includes('data-testid="port-error"');
    assert.ok(full || portPage, `server error: ${why()}`);
  }
  if (!pathname.startsWith("/api/") || c.method === "HEAD" || a.status < 400) return;
  if (c.raw && NODE_OWN.has(a.status) && !a.headers["content-type"]) return;
  assert.match(String(a.headers["content-type"]), /application\/json/, `non-JSON API error: ${why()}`);
  const parsed = JSON.parse(a.body) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof parsed.error?.code, "string", `no error code: ${why()}`);
  assert.ok(typeof parsed.error?.message === "string" && parsed.error.message.length > 0, `no error message: ${why()}`);
}

/**
 * Lines of the server's log that mean something went wrong on the server's side: errors, and what
 * Next prints of a crash. Next also prints an error for a POST to a page that looks like a server
 * action (multipart) but names none; it answers that request itself, without a 5xx.
 */
const troubleIn = (logs: string[]) =>
  logs.filter((line) => {
    try {
      return (JSON.parse(line) as { level?: unknown }).level === "error";
    } catch {
      return /uncaught|unhandled|FATAL|Error|⨯/i.test(line) && !line.includes("Failed to find Server Action");
    }
  });

// ------------------------------------------------------------------- tests

describe("abuse and bad input", { timeout: 600_000 }, () => {
  let server: TestServer;
  let session: SessionView;
  let watchId: string;
  let base: URL;
  let wsBase: URL;
  let socketsBefore: number;
  let inputs = 0;
  /** The server's own data folder (classes), to see that the fuzz made none. */
  const dataDir = mkdtempSync(join(tmpdir(), "playground-fuzz-"));

  before(async () => {
    server = await startServer({ IDLE_TIMEOUT_MS: "0", UPLOAD_MAX_MB: "1", DATA_DIR: dataDir });
    base = new URL(server.url);
    wsBase = new URL(server.url);
    wsBase.protocol = "ws:";
    session = await server.readySession();
    watchId = session.share!.watch.split("/").pop()!;
    socketsBefore = openSockets(server.pid);
    console.log(`fuzz seed ${SEED}; ${API_ROUTES.length} API routes; server holds ${socketsBefore} sockets`);
  });
  after(async () => {
    console.log(`${inputs} random or abusive inputs in all`);
    await server?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const terminalUrl = (id = session.id, node = "node1") => new URL(terminalPath(id, node), wsBase);
  /** A raw terminal socket, resolved once it has joined the shell (the server sends the size to every joiner). */
  const joinedSocket = (url = terminalUrl()) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { origin: base.origin } });
      ws.on("message", (data, isBinary) => {
        if (!isBinary && (JSON.parse(data.toString()) as ServerMessage).type === "size") resolve(ws);
      });
      ws.on("error", reject);
      ws.once("close", (code) => reject(new Error(`closed with ${code} before joining`)));
    });

  test("every route is fuzzed", () => {
    assert.ok(API_ROUTES.length >= 20, `only ${API_ROUTES.length} routes found under app/api`);
    for (const r of ["/api/sessions", "/api/sessions/:id/nodes/:node/exec", "/api/sessions/:id/nodes/:node/files", "/api/lint", "/api/:x/:x/:x"]) {
      assert.ok(API_ROUTES.includes(r), `${r} not among ${API_ROUTES.join(" ")}`);
    }
  });

  test("methods and paths Next cannot route get a 405 or a 400, JSON under /api/", async () => {
    const cases: [string, string, number, string | null][] = [
      ["TRACE", "/api/health", 405, "method_not_allowed"],
      ["PROPFIND", `/api/sessions/${session.id}`, 405, "method_not_allowed"],
      ["GET", "/api/sessions/%zz", 400, "bad_request"],
      ["DELETE", "/api/sessions/%C0%AF/nodes/node1", 400, "bad_request"],
      ["POST", "/api/%", 400, "bad_request"],
      ["GET", "/s/%ff%fe", 400, null],
    ];
    for (const [method, path, status, code] of cases) {
      const a = await request(base, { method, path, headers: {} });
      inputs++;
      assert.equal(a.status, status, `${method} ${path}: ${a.status} ${a.body}`);
      if (code) {
        assert.equal((JSON.parse(a.body) as { error: { code: string } }).error.code, code);
        if (status === 405) assert.match(String(a.headers.allow), /GET/);
      }
    }
  });

  test("thousands of random API requests: no server error, JSON errors", async () => {
    const ids = { control: session.id, watch: watchId };
    const cases = [...sample(httpCases(ids), HTTP_REQUESTS), ...bodyCases(ids)];
    inputs += cases.length;
    const statuses = new Map<string, number>();
    const started = Date.now();
    const logsBefore = server.logs.length;
    const failures: string[] = [];
    await pool(cases, CONCURRENCY, async (c) => {
      let a: HttpAnswer;
      try {
        a = await request(base, c);
      } catch (e) {
        // Node's parser drops a connection whose headers it refuses, CONNECT has no listener, and a huge body may be cut off.
        if ((c.raw || (typeof c.body === "object" && !Buffer.isBuffer(c.body))) && cutOff(e)) return void statuses.set("cut", (statuses.get("cut") ?? 0) + 1);
        const answer = (e as { rawPacket?: Buffer }).rawPacket;
        failures.push(`${String(e)}${answer ? ` (the answer began: ${JSON.stringify(answer.toString("latin1").slice(0, 300))})` : ""}: ${context(c)}`);
        return;
      }
      statuses.set(String(a.status), (statuses.get(String(a.status)) ?? 0) + 1);
      try {
        checkAnswer(c, a);
      } catch (e) {
        failures.push((e as Error).message);
      }
    });
    console.log(`${cases.length} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} bad answers`);
    assert.deepEqual(troubleIn(server.logs.slice(logsBefore)), []);
    assert.ok(alive(server.pid), "the server died");
  });

  test("exec with random argv (safe commands only) on a real node", async () => {
    const cases = sample(execCase, EXEC_REQUESTS, 1);
    inputs += cases.length;
    const started = Date.now();
    let ran = 0;
    await pool(cases, 4, async (c) => {
      const r = { method: "POST", path: `/api/sessions/${session.id}/nodes/node1/exec`, headers: { "content-type": "application/json" }, body: JSON.stringify(c) };
      const a = await request(base, r);
      const valid = typeof c.timeoutMs === "number" && Number.isInteger(c.timeoutMs) && c.timeoutMs > 0 && c.timeoutMs <= 600_000;
      assert.equal(a.status, valid ? 200 : 400, `${a.body.slice(0, 300)}\n${context(c)}`);
      if (a.status === 200) {
        const out = JSON.parse(a.body) as { exitCode: number; stdout: string };
        assert.equal(typeof out.exitCode, "number");
        ran++;
      } else checkAnswer({ ...r, raw: false }, a);
    });
    console.log(`${cases.length} exec requests (${ran} ran) in ${Date.now() - started} ms`);
  });

  test("50 MB bodies to every POST, PUT and DELETE route are refused at once and never held in memory", async () => {
    const pid = server.pid;
    const rssBefore = rssKiB(pid);
    const targets = [
      // A real session for the routes that read the body first; an unknown id for the rest, so nothing is changed.
      { method: "POST", path: `/api/sessions/${session.id}/nodes/node1/exec` },
      { method: "PUT", path: `/api/sessions/${session.id}/nodes/node1/files?path=fuzz-big` },
      ...API_ROUTES.flatMap((route) => BODY_METHODS.map((method) => ({ method, path: fill(route, { id: "no-such-session-fuzz", node: "node1", segs: ["x"], q: "" }) }))),
    ];
    const outcomes = new Map<string, number>();
    let slowest = 0;
    for (const t of targets) {
      for (const chunked of [false, true]) {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (!chunked) headers["content-length"] = String(50 * 1024 * 1024);
        const started = Date.now();
        let outcome: string;
        try {
          const a = await request(base, { ...t, headers, body: { huge: 50 * 1024 * 1024 } }, 20_000);
          assert.ok(a.status >= 400 && a.status < 500, `${t.method} ${t.path} (${chunked ? "chunked" : "with length"}) -> ${a.status} ${a.body.slice(0, 200)}`);
          outcome = String(a.status);
        } catch (e) {
          if (!cutOff(e)) throw e;
          outcome = "cut";
        }
        const ms = Date.now() - started;
        slowest = Math.max(slowest, ms);
        assert.ok(ms < 5000, `${t.method} ${t.path}: ${ms} ms`);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        inputs++;
      }
    }
    const rssAfter = rssKiB(pid);
    console.log(
      `${targets.length * 2} bodies of 50 MB: ${JSON.stringify(Object.fromEntries(outcomes))}, slowest ${slowest} ms; ` +
        `server RSS ${Math.round(rssBefore / 1024)} MiB before, ${Math.round(rssAfter / 1024)} MiB after`,
    );
    assert.ok(rssAfter - rssBefore < 40 * 1024, `RSS grew by ${Math.round((rssAfter - rssBefore) / 1024)} MiB`);
    assert.equal((await server.api("/api/health")).status, 200);
  });

  test("random, malformed and oversized terminal frames: documented closes, bounded sizes, the terminal still works", async () => {
    const open = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(terminalUrl(), { headers: { origin: base.origin } });
        ws.once("open", () => resolve(ws));
        ws.once("error", reject);
      });
    const frames = sample(frameArb, WS_FRAMES, 2);
    inputs += frames.length;
    const started = Date.now();
    const closes = new Map<number, number>();
    const sizes: { cols: number; rows: number }[] = [];
    let badReplies = 0;
    let closedWith: number | undefined;
    const watch = (s: WebSocket) => {
      s.once("close", (code) => (closedWith = code));
      s.on("message", (data, isBinary) => {
        if (isBinary) return;
        const m = JSON.parse(data.toString()) as ServerMessage;
        if (m.type === "size") sizes.push({ cols: m.cols, rows: m.rows });
        if (m.type === "error" && m.code === "bad_message") badReplies++;
      });
    };
    let ws = await open();
    watch(ws);
    for (const [i, f] of frames.entries()) {
      if (f.kind === "text") ws.send(f.data);
      else if (f.kind === "binary") ws.send(f.data, { binary: true });
      else if (f.kind === "big") ws.send("y".repeat(MAX_PAYLOAD + 1));
      else {
        // A text frame whose bytes are not UTF-8: sent by hand, masked, as the protocol requires.
        const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]);
        const mask = Buffer.from([1, 2, 3, 4]);
        const payload = bytes.map((b, j) => b ^ mask[j % 4]!);
        rawSocket(ws).write(Buffer.concat([Buffer.from([0x81, 0x80 | bytes.length]), mask, payload]));
      }
      const mustClose = f.kind === "big" || f.kind === "utf8";
      if (mustClose) {
        // A frame that must close the socket has closed it within a moment.
        const deadline = Date.now() + 3000;
        while (closedWith === undefined && Date.now() < deadline) await sleep(10);
        assert.equal(closedWith, f.kind === "big" ? 1009 : 1007, `frame ${i}: ${f.kind}`);
      } else if (i % 50 === 49) await sleep(10);
      if (closedWith !== undefined) {
        assert.ok(DOCUMENTED_CLOSE.has(closedWith), `closed with ${closedWith} after frame ${i}: ${context(f)}`);
        closes.set(closedWith, (closes.get(closedWith) ?? 0) + 1);
        closedWith = undefined;
        ws = await open();
        watch(ws);
      }
    }
    await sleep(300);
    ws.close();
    console.log(`${frames.length} frames in ${Date.now() - started} ms; closes ${JSON.stringify(Object.fromEntries(closes))}; ${badReplies} bad_message replies; ${sizes.length} sizes`);
    assert.ok(badReplies > 0, "bad frames got no error message");
    for (const s of sizes) assert.ok(Number.isInteger(s.cols) && s.cols >= 1 && s.cols <= MAX_COLS && Number.isInteger(s.rows) && s.rows >= 1 && s.rows <= MAX_ROWS, `shell size ${JSON.stringify(s)}`);
    assert.equal((await server.api("/api/health")).status, 200);
    await echoRoundTrip();
  });

  test("a client that reads nothing gets no pile of replies to its bad frames", async () => {
    const flooder = await joinedSocket();
    const observer = await joinedSocket();
    flooder.on("error", () => {});
    let replies = 0;
    flooder.on("message", (data, isBinary) => void (!isBinary && data.toString().includes('"bad_message"') && replies++));
    flooder.pause();
    const started = Date.now();
    // Masked text frames of one byte, "x", all in one write: the client's own cost stays small.
    const frame = Buffer.from([0x81, 0x81, 0, 0, 0, 0, 0x78]);
    const frames = Buffer.alloc(frame.length * UNREAD_BAD_FRAMES);
    for (let i = 0; i < UNREAD_BAD_FRAMES; i++) frame.copy(frames, i * frame.length);
    rawSocket(flooder).write(frames);
    inputs += UNREAD_BAD_FRAMES;
    // Messages are handled in order: once the observer sees this size, every bad frame before it was handled.
    const seen = new Promise<void>((resolve) =>
      observer.on("message", (data, isBinary) => {
        if (!isBinary && data.toString() === JSON.stringify({ type: "size", cols: 123, rows: 45 })) resolve();
      }),
    );
    flooder.send(JSON.stringify({ type: "resize", cols: 123, rows: 45 }));
    await seen;
    const handledMs = Date.now() - started;
    flooder.resume();
    let last = -1;
    while (last !== replies) {
      last = replies;
      await sleep(500);
    }
    console.log(`${UNREAD_BAD_FRAMES} bad frames handled in ${handledMs} ms; ${replies} replies reached the client once it read again`);
    assert.ok(replies > 0, "no error message at all");
    assert.ok(replies < UNREAD_BAD_FRAMES / 2, `${replies} replies were queued for a client that read nothing`);
    flooder.close();
    observer.close();
    assert.equal((await server.api("/api/health")).status, 200);
  });

  test("a client that acknowledges output it never reads is cut off, not buffered for", async () => {
    const liar = await joinedSocket();
    liar.on("error", () => {});
    let received = 0;
    liar.on("message", (data, isBinary) => void (isBinary && (received += (data as Buffer).length)));
    const closed = new Promise<number>((resolve) => liar.once("close", resolve));
    const logsBefore = server.logs.length;
    // The shell prints as fast as it can; `timeout` ends it even if this test fails.
    liar.send(JSON.stringify({ type: "input", data: "timeout 30 yes fuzz-flood-line\r" }));
    liar.pause();
    // It lies all along: flow control alone would never pause the shell for it.
    const lie = setInterval(() => liar.send(JSON.stringify({ type: "ack", bytes: Number.MAX_SAFE_INTEGER })), 5);
    try {
      await sleep(6000);
      liar.resume();
      const code = await Promise.race([closed, sleep(10_000).then(() => undefined)]);
      console.log(`a client that read nothing for 6 s then got ${Math.round(received / 1024 / 1024)} MiB; socket closed with ${code}`);
      assert.notEqual(code, undefined, "the server kept a socket open that read nothing while it acknowledged everything");
      assert.equal(server.logs.slice(logsBefore).filter((l) => l.includes('"event":"ws_output_refused"')).length, 1);
    } finally {
      clearInterval(lie);
      liar.terminate();
    }
    inputs++;
    await echoRoundTrip();
  });

  test(`${FLOOD_SOCKETS} sockets at once, and sockets to unknown sessions and nodes`, async () => {
    const started = Date.now();
    // Control and watch sockets alike.
    const sockets = await Promise.all(Array.from({ length: FLOOD_SOCKETS }, (_, i) => joinedSocket(terminalUrl(i % 3 ? session.id : watchId))));
    inputs += FLOOD_SOCKETS;
    console.log(`${FLOOD_SOCKETS} sockets joined in ${Date.now() - started} ms`);
    await Promise.all(sockets.map((ws) => new Promise((r) => (ws.once("close", r), ws.close()))));
    assert.equal((await server.api("/api/health")).status, 200);
    await echoRoundTrip();

    const unknown = [
      [sample(fc.stringMatching(/^[a-z0-9]{24}$/), 1, 3)[0]!, "node1"],
      ["%zz", "node1"],
      ["%C0%AF", "node1"],
      ["x".repeat(5000), "node1"],
      [session.id, "node9"],
      [watchId, "no-such-node"],
    ];
    for (const [id, node] of unknown) {
      const u = new URL(wsBase);
      u.pathname = `/ws/sessions/${id}/nodes/${encodeURIComponent(node!)}/terminal`;
      const outcome = await new Promise<string>((resolve) => {
        const ws = new WebSocket(u, { headers: { origin: base.origin } });
        ws.once("close", (code) => resolve(`close ${code}`));
        ws.once("unexpected-response", (_req, res) => resolve(`http ${res.statusCode}`));
        ws.once("error", () => {});
      });
      inputs++;
      if (id!.startsWith("%")) assert.equal(outcome, "http 400", `malformed path: ${outcome}`);
      else assert.equal(outcome, `close ${CLOSE.NOT_FOUND}`, `${id!.slice(0, 30)}/${node}: ${outcome}`);
    }
  });

  test(`${RAW_CONNECTIONS} raw connections: partial requests, garbage, pipelines, bad upgrades`, async () => {
    const shapes = [
      "GET /api/health HTTP/1.1\r\nHost: x\r\n", // headers never finished
      "POST /api/lint HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{", // body never finished
      `PUT /api/sessions/${session.id}/nodes/node1/files?path=fuzz-cut HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc`, // an upload cut off
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", // TLS to a plain port
      "GET /api/no-such-endpoint HTTP/1.1\r\nHost: x\r\n\r\n".repeat(20), // a pipeline
      `GET ${terminalPath(session.id, "node1")} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`, // no key
      `GET ${terminalPath(session.id, "node1")} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 99\r\n\r\n`,
      "\r\n\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
    ];
    const answers = new Map<string, number>();
    await Promise.all(
      Array.from(
        { length: RAW_CONNECTIONS },
        (_, i) =>
          new Promise<void>((resolve) => {
            const s = net.connect(Number(base.port), base.hostname);
            let first = "";
            s.on("data", (d) => (first ||= d.toString().split("\r\n", 1)[0]!));
            s.on("error", () => {});
            s.on("close", () => {
              const key = first.slice(0, 30) || "(closed)";
              answers.set(key, (answers.get(key) ?? 0) + 1);
              resolve();
            });
            s.write(shapes[i % shapes.length]!);
            // Hang up after a moment, as most abusive clients do; the server must let go of the socket.
            setTimeout(() => s.destroy(), 500);
          }),
      ),
    );
    inputs += RAW_CONNECTIONS;
    console.log(`raw connections: ${JSON.stringify(Object.fromEntries(answers))}`);
    assert.ok(!answers.has("HTTP/1.1 500 Internal Server Error"), "a raw connection got a 500");
    assert.equal((await server.api("/api/health")).status, 200);
  });

  test("nothing leaks: no terminal connection, socket, session, resource or exec process; no crash", async () => {
    const gauge = async (access: string) => {
      const text = await (await server.api("/metrics")).text();
      return Number(new RegExp(`^playground_terminal_connections\\{access="${access}"\\} (\\d+)`, "m").exec(text)?.[1]);
    };
    await eventually(10_000, async () => {
      assert.equal(await gauge("control"), 0, "control sockets still open");
      assert.equal(await gauge("watch"), 0, "watch sockets still open");
    });
    assert.equal((await server.api(`/api/sessions/${session.id}`, { method: "DELETE" })).status, 204);
    const health = (await (await server.api("/api/health")).json()) as HealthView;
    assert.equal(health.sessions.active, 0, "sessions left");
    const cohorts = join(dataDir, "cohorts.json");
    assert.deepEqual(existsSync(cohorts) ? JSON.parse(readFileSync(cohorts, "utf8")) : [], [], "classes left");
    // Only the instance's disk keeper stays (it serves the next session), holding no disk.
    const keeper = `playground-${server.instance}-disks`;
    const left = await resourcesOf(server.instance);
    assert.deepEqual(left.networks, []);
    assert.deepEqual(left.containers.filter((c) => c !== `/${keeper}`), []);
    assert.deepEqual(left.volumes.filter((v) => v !== keeper), []);
    assert.deepEqual(await diskKeeper(server.instance).sessions(), []);
    const execs = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.includes(`playground-${server.instance}-`));
    assert.deepEqual(execs, []);
    let sockets = 0;
    await eventually(10_000, () => {
      sockets = openSockets(server.pid);
      assert.ok(sockets <= socketsBefore + SOCKET_SLACK, `the server holds ${sockets} sockets, ${socketsBefore} before the test`);
    });
    console.log(`server holds ${sockets} sockets at the end, ${socketsBefore} before`);
    assert.ok(alive(server.pid), "the server died");
    assert.deepEqual(troubleIn(server.logs), []);
    assert.equal((await server.api("/api/health")).status, 200);
  });

  /** A fresh terminal on the session answers: the shared shell survived. */
  async function echoRoundTrip(): Promise<void> {
    const t = await TestTerminal.open({ baseUrl: server.url, sessionId: session.id });
    try {
      // Ctrl+C clears whatever random input left on the line, and stops a flood. The terminal
      // driver drops what is typed right after it, so the command is tried again if it was lost.
      for (let attempt = 1; ; attempt++) {
        let from = t.mark();
        t.type("\x03");
        await t.waitForPrompt(15_000, from);
        await sleep(200);
        from = t.mark();
        t.type(`echo fuzz-$((40+${attempt}))\r`);
        try {
          return await t.waitFor(`fuzz-${40 + attempt}`, 5_000, from);
        } catch (e) {
          if (attempt === 3) throw e;
        }
      }
    } finally {
      t.close();
    }
  }
});
