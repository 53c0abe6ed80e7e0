/**
 * Abuse and bad input against the real server: thousands of random HTTP
 * requests (methods, paths built from the real routes with invalid segments,
 * random bodies and headers), huge bodies, random and oversized WebSocket
 * frames, floods of sockets. The server must answer every request sensibly
 * (no 5xx but the documented ones, JSON errors under /api/), never crash,
 * and leave nothing behind.
 *
 * Inputs come from fast-check with a fixed seed (FUZZ_SEED to change it); a
 * failure prints the seed and the input.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import WebSocket from "ws";
import { CLOSE, terminalPath, type SessionView } from "../../lib/protocol";
import { TestTerminal } from "../support/terminal-client";
import { resourcesOf, startServer, type TestServer } from "../support/server";

const SEED = Number(process.env.FUZZ_SEED ?? 20260301);
const HTTP_REQUESTS = Number(process.env.FUZZ_HTTP_REQUESTS ?? 3000);
const EXEC_REQUESTS = 200;
const WS_FRAMES = 2000;
const FLOOD_SOCKETS = 300;
const CONCURRENCY = 16;
const MAX_PAYLOAD = 256 * 1024;

/** Statuses the API documents as answers, not failures: 501 and 503 (health, playground full). */
const DOCUMENTED_5XX = new Set([501, 503]);
/** Close codes a terminal socket may end with under abuse (README, "Terminal WebSocket"). */
const DOCUMENTED_CLOSE = new Set<number>([1000, 1007, 1009, CLOSE.NOT_FOUND, CLOSE.TOO_SLOW]);

const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt = 0): T[] => fc.sample(arb, { seed: SEED + salt, numRuns: n });
const context = (what: unknown) => `seed ${SEED} (FUZZ_SEED=${SEED} to replay): ${JSON.stringify(what)?.slice(0, 2000)}`;

// ------------------------------------------------------------------ inputs

/** Path segments that are legal on the wire but wrong for the API. */
const weirdSegment = fc.oneof(
  fc.constantFrom("..", ".", "%2e%2e", "%2F", "..%2F..%2Fetc", "%00", "%", "%zz", "%C0%AF", "%E2%80%AE", "~", "null", "undefined", "[object%20Object]"),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: "binary", maxLength: 40 }).map(encodeURIComponent),
  fc.stringMatching(/^[a-z0-9]{23,25}$/),
  fc.stringMatching(/^[A-Z0-9_-]{24}$/),
  fc.integer({ min: 100, max: 9000 }).map((n) => "a".repeat(n)),
);
const rareHuge = fc.constantFrom("b".repeat(20_000), "%41".repeat(3000));

const NODE_ROUTES = [
  "",
  "/exec",
  "/ports",
  "/files?path=:q",
  "/files/download?path=:q",
  "/files/move",
  "/files/folder",
  "/docker",
  "/docker/containers/:x/:action",
  "/docker/containers/:x/logs?tail=:q",
  "/docker/containers/:x",
  "/docker/images/:x",
  "/docker/images/:x/layers",
  "/docker/volumes/:x",
  "/docker/networks/:x",
];
const ROUTES = [
  "/api/sessions",
  "/api/sessions/:id",
  "/api/sessions/:id/extend",
  "/api/sessions/:id/template",
  "/api/sessions/:id/nodes",
  ...NODE_ROUTES.map((r) => `/api/sessions/:id/nodes/:node${r}`),
  "/api/health",
  "/api/lint",
  "/api/:x",
  "/api/:x/:x/:x",
  "/ports/:id/:node/:x/",
  "/ports/:id/:node/:x",
  "/s/:id",
  "/ws/sessions/:id/nodes/:node/terminal",
];

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

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
const body = fc.oneof(
  { weight: 3, arbitrary: jsonText },
  { weight: 3, arbitrary: shapedBody },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "{", "[", "nul", '{"a":', "\u0000", '{"cmd":["true"]}garbage', "{}".repeat(1000)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
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
/** Headers Node's own parser refuses or that lie; answered before the app sees them. */
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
  body?: string | Buffer;
  headers: Record<string, string>;
  /** Node's HTTP parser may answer (400, 413, 431) without the app: no JSON body then. */
  raw: boolean;
  /** Routed by host to the ports proxy rather than the API. */
  proxied: boolean;
}

/** Control ids get only requests that change nothing in a way that would break the rest of the test. */
function safeForControl(c: HttpCase): boolean {
  if (["GET", "HEAD", "OPTIONS"].includes(c.method)) return !/\/files\/download/.test(c.path) || /path=fuzz-/.test(c.path);
  if (c.method === "DELETE") return /\/docker\/(containers|images|volumes|networks)\//.test(c.path);
  if (c.method === "POST") return /\/exec$|\/extend$|\/docker\/containers\/|\/api\/lint$/.test(c.path);
  return false;
}

function httpCases(real: { control: string; watch: string }): fc.Arbitrary<HttpCase> {
  const id = fc.oneof(
    { weight: 6, arbitrary: weirdSegment },
    { weight: 1, arbitrary: rareHuge },
    { weight: 3, arbitrary: fc.constantFrom(real.watch, real.control) },
  );
  const node = fc.oneof(weirdSegment, fc.constantFrom("node1", "node2", "node99", "node0", "NODE1", "node-1"));
  const seg = fc.oneof(weirdSegment, fc.constantFrom("start", "stop", "restart", "kill", "bridge", "host", "none", "sha256:" + "0".repeat(64), "1", "0", "-1", "65536"));
  return fc
    .record({
      route: fc.constantFrom(...ROUTES),
      method: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: fc.constantFrom("PROPFIND", "CONNECT", "TRACE", "FOO") }),
      id,
      node,
      segs: fc.array(seg, { minLength: 4, maxLength: 4 }),
      q: fc.oneof(fc.string({ maxLength: 60 }).map((s) => `fuzz-${encodeURIComponent(s)}`), weirdSegment, fc.constantFrom("", "..", "/", "%00", "/root", "/proc/self/environ")),
      body: fc.option(body, { freq: 3 }),
      contentType,
      raw: fc.option(rawHeader, { freq: 8 }),
      host: fc.option(badHost, { freq: 12 }),
    })
    .map((r) => {
      let i = 0;
      const path = r.route
        .replace(":id", r.id)
        .replace(":node", r.node)
        .replace(/:x|:action/g, () => r.segs[i++ % 4]!)
        .replace(":q", r.q);
      const headers: Record<string, string> = {};
      if (r.contentType) headers["content-type"] = r.contentType;
      if (r.host !== null) headers.host = r.host;
      if (r.raw) Object.assign(headers, r.raw);
      let data: string | Buffer | undefined = r.body ?? undefined;
      if (["GET", "HEAD"].includes(r.method)) data = undefined;
      const c: HttpCase = {
        method: r.method,
        path,
        body: data,
        headers,
        raw: r.raw !== null || r.host !== null || !METHODS.includes(r.method) || path.length > 8000,
        proxied: r.host !== null,
      };
      return c;
    })
    .filter((c) => !c.path.includes(real.control) || safeForControl(c))
    // A download of / through either id would stream the whole node: only paths that do not exist.
    .filter((c) => !c.path.includes(real.watch) || !/\/files\/download/.test(c.path) || /path=fuzz-/.test(c.path))
    // Creating sessions or nodes costs a container each: only bodies that must be refused.
    .filter((c) => !(c.method === "POST" && /^\/api\/sessions(\/[^/]+\/nodes)?$/.test(c.path) && bodyMayBeAccepted(c.body)));
}

const bodyMayBeAccepted = (b: string | Buffer | undefined) => {
  if (b === undefined) return true;
  const text = b.toString().trim();
  if (!text) return true;
  try {
    const v = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
  } catch {
    return false;
  }
};

const SAFE_ARGV0 = ["true", "false", "echo", "ls", "printf", "uname", "id", "pwd", "basename", "dirname", "no-such-command-fuzz"];
const execCase = fc.record({
  cmd: fc.oneof(
    fc.tuple(fc.constantFrom(...SAFE_ARGV0), fc.array(fc.string({ maxLength: 50 }), { maxLength: 6 })).map(([a, rest]) => [a, ...rest]),
    fc.tuple(fc.constantFrom("echo", "printf"), fc.array(fc.string({ unit: "binary", maxLength: 200 }), { maxLength: 3 })).map(([a, rest]) => [a, ...rest]),
    fc.tuple(fc.constantFrom("echo"), fc.constant("x".repeat(64 * 1024))).map(([a, x]) => [a, x]),
  ),
  timeoutMs: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constantFrom(0, -1, 1.5, 1e12, "100", null)),
});

// -------------------------------------------------------------- transport

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(base: URL, c: { method: string; path: string; body?: string | Buffer; headers: Record<string, string> }, timeoutMs = 5_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method: c.method, path: c.path, headers: c.headers, agent: false, setHost: !("host" in c.headers) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
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
    if (c.body !== undefined) req.end(c.body);
    else req.end();
  });
}

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

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function checkAnswer(c: HttpCase, a: HttpAnswer): void {
  const why = () => `${c.method} ${c.path.slice(0, 300)} -> ${a.status} ${a.body.slice(0, 300)}\n${context(c)}`;
  assert.ok(a.status < 500 || DOCUMENTED_5XX.has(a.status), `server error: ${why()}`);
  if (c.raw || c.proxied || c.method === "HEAD" || a.status < 400) return;
  if (!new URL(c.path, "http://x").pathname.startsWith("/api/")) return;
  assert.match(String(a.headers["content-type"]), /application\/json/, `non-JSON API error: ${why()}`);
  const parsed = JSON.parse(a.body) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof parsed.error?.code, "string", `no error code: ${why()}`);
  assert.ok(typeof parsed.error?.message === "string" && parsed.error.message.length > 0, `no error message: ${why()}`);
}

// ------------------------------------------------------------------- tests

describe("abuse and bad input", { timeout: 600_000 }, () => {
  let server: TestServer;
  let session: SessionView;
  let watchId: string;
  let base: URL;

  before(async () => {
    server = await startServer({ IDLE_TIMEOUT_MS: "0" });
    base = new URL(server.url);
    session = await server.readySession();
    watchId = session.share!.watch.split("/").pop()!;
    console.log(`fuzz seed ${SEED}`);
  });
  after(async () => {
    await server?.destroy();
  });

  test("thousands of random API requests: no server error, JSON errors", async () => {
    const cases = sample(httpCases({ control: session.id, watch: watchId }), HTTP_REQUESTS);
    const statuses = new Map<number, number>();
    const started = Date.now();
    const failures: string[] = [];
    await pool(cases, CONCURRENCY, async (c) => {
      let a: HttpAnswer;
      try {
        a = await request(base, c);
      } catch (e) {
        // Node's parser may drop a connection whose headers it refuses; the app must always answer.
        if (c.raw && /ECONNRESET|socket hang up|EPIPE/.test(String(e))) return;
        failures.push(`${String(e)}: ${context(c)}`);
        return;
      }
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      try {
        checkAnswer(c, a);
      } catch (e) {
        failures.push((e as Error).message);
      }
    });
    console.log(`${cases.length} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} bad answers`);
    assert.ok(alive(server.pid), "the server died");
  });

  test("exec with random argv (safe commands only) on a real node", async () => {
    const cases = sample(execCase, EXEC_REQUESTS, 1);
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
      } else checkAnswer({ ...r, raw: false, proxied: false }, a);
    });
    console.log(`${cases.length} exec requests (${ran} ran) in ${Date.now() - started} ms`);
  });

  test("a 50 MB body is refused at once and never held in memory", async () => {
    const pid = server.pid;
    const before = rssKiB(pid);
    const paths = [`/api/sessions/${session.id}/nodes/node1/exec`, "/api/lint"];
    for (const path of paths) {
      for (const chunked of [false, true]) {
        const started = Date.now();
        const status = await new Promise<number>((resolve, reject) => {
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (!chunked) headers["content-length"] = String(50 * 1024 * 1024);
          const req = http.request({ host: base.hostname, port: base.port, method: "POST", path, headers, agent: false }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
            req.destroy();
          });
          req.on("error", (e) => (/ECONNRESET|EPIPE|socket hang up/.test(String(e)) ? undefined : reject(e)));
          req.setTimeout(20_000, () => req.destroy(new Error("no answer to a 50 MB body within 20 s")));
          const chunk = Buffer.alloc(1024 * 1024, "[");
          let sent = 0;
          const pump = () => {
            while (sent < 50 && !req.destroyed) {
              sent++;
              if (!req.write(chunk)) return void req.once("drain", pump);
            }
            if (!req.destroyed) req.end();
          };
          pump();
        });
        const ms = Date.now() - started;
        console.log(`50 MB ${chunked ? "chunked" : "with content-length"} to ${path.replace(session.id, ":id")}: ${status} in ${ms} ms`);
        assert.equal(status, 400);
        assert.ok(ms < 5000, `took ${ms} ms`);
      }
    }
    const after = rssKiB(pid);
    console.log(`server RSS ${Math.round(before / 1024)} MiB before, ${Math.round(after / 1024)} MiB after`);
    assert.ok(after - before < 30 * 1024, `RSS grew by ${Math.round((after - before) / 1024)} MiB`);
    assert.equal((await server.api("/api/health")).status, 200);
  });

  test("random, malformed and oversized terminal frames: documented closes, the terminal still works", async () => {
    const url = new URL(terminalPath(session.id, "node1"), server.url);
    url.protocol = "ws:";
    const open = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url, { headers: { origin: base.origin } });
        ws.once("open", () => resolve(ws));
        ws.once("error", reject);
      });
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f\u001b]/g, "");
    type Frame = { kind: "text"; data: string } | { kind: "binary"; data: Buffer } | { kind: "big" } | { kind: "utf8" };
    const frame: fc.Arbitrary<Frame> = fc.oneof(
      { weight: 4, arbitrary: fc.string({ maxLength: 300 }).map((data) => ({ kind: "text" as const, data })) },
      { weight: 3, arbitrary: fc.json({ maxDepth: 3 }).map((data) => ({ kind: "text" as const, data })) },
      {
        weight: 6,
        arbitrary: fc
          .oneof(
            fc.record({ type: fc.constant("resize"), cols: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 501, 1e9, 2 ** 53, "80", null)), rows: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 201, 1e9, "24")) }),
            fc.record({ type: fc.constant("resize"), cols: fc.integer({ min: 1, max: 500 }), rows: fc.integer({ min: 1, max: 200 }) }),
            fc.record({ type: fc.constant("ack"), bytes: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 2 ** 53, 1e300, Number.MAX_SAFE_INTEGER, "1")) }),
            fc.record({ type: fc.constant("input"), data: fc.oneof(fc.string({ maxLength: 200 }).map(printable), fc.anything({ maxDepth: 1 })) }),
            fc.record({ type: fc.constant("input"), data: fc.constant("x".repeat(64 * 1024 + 1)) }),
            fc.record({ type: fc.oneof(fc.string(), fc.anything({ maxDepth: 1 })), data: fc.anything({ maxDepth: 1 }) }),
          )
          .map((m) => ({ kind: "text" as const, data: JSON.stringify(m) })),
      },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 500 }).map((b) => ({ kind: "binary" as const, data: Buffer.from(b) })) },
      { weight: 1, arbitrary: fc.constant({ kind: "big" as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: "utf8" as const }) },
    );
    const frames = sample(frame, WS_FRAMES, 2);
    const started = Date.now();
    const closes = new Map<number, number>();
    let ws = await open();
    let closedWith: number | undefined;
    const watch = (s: WebSocket) => s.once("close", (code) => (closedWith = code));
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
        (ws as unknown as { _socket: import("node:net").Socket })._socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | bytes.length]), mask, payload]));
      }
      if (f.kind === "big" || f.kind === "utf8" || i % 50 === 49) {
        // Let the server answer; a frame that must close the socket has closed it by now.
        const deadline = Date.now() + 3000;
        while (closedWith === undefined && (f.kind === "big" || f.kind === "utf8") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        if (f.kind === "big") assert.equal(closedWith, 1009, `frame ${i} over 256 KiB: ${context(f)}`);
        if (f.kind === "utf8") assert.equal(closedWith, 1007, `frame ${i} of invalid UTF-8`);
      }
      if (closedWith !== undefined) {
        assert.ok(DOCUMENTED_CLOSE.has(closedWith), `closed with ${closedWith} after frame ${i}: ${context(f)}`);
        closes.set(closedWith, (closes.get(closedWith) ?? 0) + 1);
        closedWith = undefined;
        ws = await open();
        watch(ws);
      }
    }
    ws.close();
    console.log(`${frames.length} frames in ${Date.now() - started} ms; closes ${JSON.stringify(Object.fromEntries(closes))}`);
    assert.equal((await server.api("/api/health")).status, 200);
    await echoRoundTrip();
  });

  test(`${FLOOD_SOCKETS} sockets at once, and sockets to unknown sessions and nodes`, async () => {
    const url = new URL(terminalPath(session.id, "node1"), server.url);
    url.protocol = "ws:";
    const started = Date.now();
    const sockets = await Promise.all(
      Array.from({ length: FLOOD_SOCKETS }, () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url, { headers: { origin: base.origin } });
          // Open and joined: the server sends the shell's size to every client that joins.
          ws.on("message", (data, isBinary) => {
            if (!isBinary && JSON.parse(data.toString()).type === "size") resolve(ws);
          });
          ws.once("error", reject);
          ws.once("close", (code) => reject(new Error(`closed with ${code} before joining`)));
        }),
      ),
    );
    console.log(`${FLOOD_SOCKETS} sockets joined in ${Date.now() - started} ms`);
    await Promise.all(sockets.map((ws) => new Promise((r) => (ws.once("close", r), ws.close()))));
    assert.equal((await server.api("/api/health")).status, 200);
    await echoRoundTrip();

    const unknown = [
      [sample(fc.stringMatching(/^[a-z0-9]{24}$/), 1, 3)[0]!, "node1"],
      ["%zz", "node1"],
      ["x".repeat(5000), "node1"],
      [session.id, "node9"],
      [watchId, "no-such-node"],
    ];
    for (const [id, node] of unknown) {
      const u = new URL(server.url);
      u.protocol = "ws:";
      u.pathname = `/ws/sessions/${id}/nodes/${encodeURIComponent(node!)}/terminal`;
      const outcome = await new Promise<string>((resolve) => {
        const ws = new WebSocket(u, { headers: { origin: base.origin } });
        ws.once("close", (code) => resolve(`close ${code}`));
        ws.once("unexpected-response", (_req, res) => resolve(`http ${res.statusCode}`));
        ws.once("error", () => {});
      });
      if (id === "%zz") assert.equal(outcome, "http 400", `malformed path: ${outcome}`);
      else assert.equal(outcome, `close ${CLOSE.NOT_FOUND}`, `${id!.slice(0, 30)}/${node}: ${outcome}`);
    }
  });

  test("nothing leaks: no resources, no exec processes, no crash", async () => {
    assert.equal((await server.api(`/api/sessions/${session.id}`, { method: "DELETE" })).status, 204);
    const left = await resourcesOf(server.instance);
    assert.deepEqual(left, { containers: [], volumes: [], networks: [] });
    const execs = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.includes(`playground-${server.instance}-`));
    assert.deepEqual(execs, []);
    assert.ok(alive(server.pid), "the server died");
    // ws_error lines are the frames refused on purpose above.
    const bad = server.logs.filter((l) => !l.includes('"event":"ws_error"') && /uncaught|unhandled|"event":"http_error"|FATAL|RangeError|TypeError/i.test(l));
    assert.deepEqual(bad, []);
    assert.equal((await server.api("/api/health")).status, 200);
  });

  /** A fresh terminal on the session answers: the shared shell survived. */
  async function echoRoundTrip(): Promise<void> {
    const t = await TestTerminal.open({ baseUrl: server.url, sessionId: session.id });
    try {
      // Whatever random input left on the line goes first.
      let from = t.mark();
      t.type("\x03");
      await t.waitForPrompt(15_000, from);
      from = t.mark();
      t.type("echo fuzz-$((40+2))\r");
      await t.waitFor("fuzz-42", 15_000, from);
    } finally {
      t.close();
    }
  }
});
