/**
 * The Docker panel's edges without Docker: checks of ids from the URL, log
 * demultiplexing, the mapping of engine errors, and the route handlers over a
 * fake context (watch links refused, bad ids refused, engine errors kept).
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { afterEach, describe, test } from "node:test";
import type Docker from "dockerode";
import { humanSize, shortId, shortInstruction } from "../../lib/images/format";
import { LogCollector } from "../../lib/images/logs";
import { engineError } from "../../lib/images/panel";
import { containerAction, containerRef, imageRef, logTail, volumeRef } from "../../lib/images/refs";
import type { AppContext } from "../../lib/server/context";
import { setContext } from "../../lib/server/context";
import { SessionNotFoundError, WatchOnlyError } from "../../lib/sessions/errors";
import * as actionRoute from "../../app/api/sessions/[id]/nodes/[node]/docker/containers/[cid]/[action]/route";
import * as containerRoute from "../../app/api/sessions/[id]/nodes/[node]/docker/containers/[cid]/route";
import * as logsRoute from "../../app/api/sessions/[id]/nodes/[node]/docker/containers/[cid]/logs/route";
import * as imageRoute from "../../app/api/sessions/[id]/nodes/[node]/docker/images/[image]/route";
import * as summaryRoute from "../../app/api/sessions/[id]/nodes/[node]/docker/route";

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.byteLength, 4);
  return Buffer.concat([header, payload]);
};

describe("ids and names from the URL", () => {
  test("containers, volumes: Docker's name rule, 256 characters at most", () => {
    assert.equal(containerRef("web"), "web");
    assert.equal(containerRef("a1b2c3d4e5f6"), "a1b2c3d4e5f6");
    assert.equal(volumeRef("my_data.v-1"), "my_data.v-1");
    for (const bad of ["", "../etc", "a/b", "a b", "-x", "x;rm", "a".repeat(257)]) {
      assert.throws(() => containerRef(bad), { code: "bad_request", status: 400 }, bad);
    }
    assert.throws(() => volumeRef("x?y"), { message: /not a valid volume name/ });
  });
  test("images are named by id, also when URL-encoded", () => {
    const id = `sha256:${"ab".repeat(32)}`;
    assert.equal(imageRef(id), id);
    assert.equal(imageRef(encodeURIComponent(id)), id);
    assert.equal(imageRef("abcdef012345"), "abcdef012345");
    assert.throws(() => imageRef("nginx:latest"), { code: "bad_request", message: /image id/ });
    assert.throws(() => imageRef("library%2Fnginx"), { code: "bad_request" });
    assert.throws(() => imageRef("%E0%A4%A"), { message: /URL-encoded/ });
  });
  test("actions and tail", () => {
    assert.equal(containerAction("restart"), "restart");
    assert.throws(() => containerAction("kill"), { status: 400, message: /start, stop, restart/ });
    assert.equal(logTail(null), 500);
    assert.equal(logTail("20"), 20);
    assert.equal(logTail("999999"), 5000);
    assert.throws(() => logTail("-1"), { status: 400 });
    assert.throws(() => logTail("all"), { status: 400 });
  });
});

describe("logs", () => {
  test("multiplexed frames are joined in order, even when split across chunks", () => {
    const all = Buffer.concat([frame(1, "out 1\n"), frame(2, "err 1\n"), frame(1, "out 2\n")]);
    const logs = new LogCollector(true, 1024);
    for (let i = 0; i < all.length; i += 3) logs.push(all.subarray(i, i + 3));
    assert.equal(logs.text(), "out 1\nerr 1\nout 2\n");
  });
  test("a TTY's raw bytes are kept as they are", () => {
    const logs = new LogCollector(false, 1024);
    logs.push(Buffer.from("42\r\n"));
    assert.equal(logs.text(), "42\r\n");
  });
  test("past the limit the newest output is kept, from a line's start", () => {
    const logs = new LogCollector(true, 20);
    for (let i = 0; i < 10; i++) logs.push(frame(1, `line ${i}\n`));
    assert.equal(logs.dropped, true);
    assert.equal(logs.text(), "line 8\nline 9\n");
  });
});

describe("engine errors", () => {
  const failure = (statusCode: number, message: string) =>
    Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } });
  test("keep the engine's message with a fitting status, never 500", () => {
    const inUse = engineError(failure(409, "conflict: unable to delete 44dc86bb7c1d (cannot be forced) - image is being used by running container 0aeed7d6b8eb"));
    assert.equal(inUse.status, 409);
    assert.match(inUse.message, /image is being used by running container/);
    assert.equal(engineError(failure(404, "No such container: web")).status, 404);
    assert.equal(engineError(failure(403, "bridge is a pre-defined network and cannot be removed")).status, 409);
    assert.equal(engineError(failure(500, "driver failed")).status, 502);
    assert.equal(engineError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })).code, "node_engine_unreachable");
    const known = new SessionNotFoundError();
    assert.equal(engineError(known), known);
  });
});

// ------------------------------------------------------------ routes over a fake context

type Calls = string[];

/** Just enough of dockerode for the routes under test. */
function fakeEngine(calls: Calls): Docker {
  const fail = (statusCode: number, message: string) =>
    Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), { statusCode, json: { message } });
  return {
    getContainer: (ref: string) => ({
      start: async () => {
        calls.push(`start ${ref}`);
        if (ref === "running") throw fail(304, "");
        if (ref === "ghost") throw fail(404, `No such container: ${ref}`);
      },
      stop: async () => void calls.push(`stop ${ref}`),
      restart: async () => void calls.push(`restart ${ref}`),
      remove: async (opts: { force?: boolean }) => void calls.push(`remove ${ref} force=${opts.force}`),
      inspect: async () => ({ Id: ref, Config: { Tty: false } }),
    }),
    getImage: (ref: string) => ({
      remove: async () => {
        calls.push(`rmi ${ref}`);
        throw fail(409, "conflict: unable to delete abc (cannot be forced) - image is being used by running container def");
      },
    }),
    listContainers: async () => [
      { Id: "c1", Names: ["/web"], Image: "nginx", State: "running", Status: "Up 1 second", Ports: [
        { IP: "0.0.0.0", PrivatePort: 80, PublicPort: 8080, Type: "tcp" },
        { IP: "::", PrivatePort: 80, PublicPort: 8080, Type: "tcp" },
        { PrivatePort: 443, Type: "tcp" },
      ] },
    ],
    listImages: async () => [{ Id: "sha256:1", RepoTags: ["nginx:latest"], Size: 10, Created: 0 }, { Id: "sha256:2", RepoTags: ["<none>:<none>"], Size: 5, Created: 1 }],
    listVolumes: async () => ({ Volumes: [{ Name: "data", Driver: "local" }] }),
    listNetworks: async () => [{ Id: "n1", Name: "bridge", Driver: "bridge" }],
    modem: {
      dial: (_opts: unknown, cb: (err: unknown, data: unknown) => void) =>
        cb(null, Readable.from([frame(1, "hello\n"), frame(2, "oops\n")])),
    },
  } as unknown as Docker;
}

const WATCH = "w".repeat(24);
const CONTROL = "c".repeat(24);

function useContext(calls: Calls) {
  const manager = {
    requireControl(id: string) {
      if (id === WATCH) throw new WatchOnlyError();
      if (id !== CONTROL) throw new SessionNotFoundError();
    },
  };
  const context = { manager } as unknown as AppContext;
  context.nodeEngine = async (id, node) => {
    calls.push(`engine ${id} ${node}`);
    return fakeEngine(calls);
  };
  setContext(context);
}

const ctx = <T extends object>(params: T) => ({ params: Promise.resolve({ id: CONTROL, node: "node1", ...params }) });
const req = (method = "GET", path = "/") => new Request(`http://x${path}`, { method });

describe("panel routes", () => {
  afterEach(() => setContext(undefined as unknown as AppContext));

  test("the summary: names without slash, one entry per published port, no <none> tags", async () => {
    useContext([]);
    const res = await summaryRoute.GET(req(), ctx({}));
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body.containers[0], {
      id: "c1", name: "web", image: "nginx", state: "running", status: "Up 1 second",
      ports: [{ privatePort: 80, publicPort: 8080, type: "tcp" }, { privatePort: 443, type: "tcp" }],
    });
    assert.deepEqual(body.images.map((i: { tags: string[] }) => i.tags), [[], ["nginx:latest"]]);
    assert.deepEqual(body.volumes, [{ name: "data", driver: "local" }]);
  });

  test("actions answer 204; asking a running container to start is not an error", async () => {
    const calls: Calls = [];
    useContext(calls);
    assert.equal((await actionRoute.POST(req("POST"), ctx({ cid: "web", action: "stop" }))).status, 204);
    assert.equal((await actionRoute.POST(req("POST"), ctx({ cid: "running", action: "start" }))).status, 204);
    assert.equal((await containerRoute.DELETE(req("DELETE"), ctx({ cid: "web" }))).status, 204);
    assert.deepEqual(calls.filter((c) => !c.startsWith("engine")), ["stop web", "start running", "remove web force=true"]);
  });

  test("watch links get 403 and reach no engine; unknown ids get 404", async () => {
    const calls: Calls = [];
    useContext(calls);
    const res = await containerRoute.DELETE(req("DELETE"), { params: Promise.resolve({ id: WATCH, node: "node1", cid: "web" }) });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), {
      error: { code: "watch_only", message: "This link is watch-only: it can look but not change anything." },
    });
    const unknown = await actionRoute.POST(req("POST"), { params: Promise.resolve({ id: "x".repeat(24), node: "node1", cid: "web", action: "start" }) });
    assert.equal(unknown.status, 404);
    assert.deepEqual(calls, []);
    // Reading is allowed with a watch link.
    const logs = await logsRoute.GET(req("GET", "/?tail=10"), { params: Promise.resolve({ id: WATCH, node: "node1", cid: "web" }) });
    assert.equal(logs.status, 200);
    assert.equal(await logs.text(), "hello\noops\n");
    assert.match(logs.headers.get("content-type") ?? "", /^text\/plain/);
  });

  test("bad ids and actions get 400 before any engine is asked", async () => {
    const calls: Calls = [];
    useContext(calls);
    const bad = await actionRoute.POST(req("POST"), ctx({ cid: "web", action: "explode" }));
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /Unknown container action/);
    assert.equal((await containerRoute.DELETE(req("DELETE"), ctx({ cid: "a;b" }))).status, 400);
    assert.equal((await imageRoute.DELETE(req("DELETE"), ctx({ image: "nginx" }))).status, 400);
    assert.equal((await logsRoute.GET(req("GET", "/?tail=lots"), ctx({ cid: "web" }))).status, 400);
    assert.deepEqual(calls, []);
  });

  test("engine refusals come back as JSON with the engine's message", async () => {
    useContext([]);
    const inUse = await imageRoute.DELETE(req("DELETE"), ctx({ image: `sha256:${"a".repeat(64)}` }));
    assert.equal(inUse.status, 409);
    assert.match((await inUse.json()).error.message, /being used by running container/);
    const ghost = await actionRoute.POST(req("POST"), ctx({ cid: "ghost", action: "start" }));
    assert.equal(ghost.status, 404);
    assert.deepEqual(await ghost.json(), { error: { code: "docker_not_found", message: "No such container: ghost" } });
  });
});

describe("formatting for people", () => {
  test("sizes in SI units like the docker CLI", () => {
    assert.equal(humanSize(0), "0 B");
    assert.equal(humanSize(394), "394 B");
    assert.equal(humanSize(1654), "1.7 kB");
    assert.equal(humanSize(2_000), "2 kB");
    assert.equal(humanSize(294_818_036), "295 MB");
    assert.equal(humanSize(2_147_483_648), "2.1 GB");
  });
  test("instructions without the builders' wrapping", () => {
    assert.equal(shortInstruction("/bin/sh -c #(nop)  ENV A=1"), "ENV A=1");
    assert.equal(shortInstruction("/bin/sh -c #(nop) COPY file:abc in /x "), "COPY file:abc in /x");
    assert.equal(shortInstruction("/bin/sh -c apt-get update"), "RUN apt-get update");
    assert.equal(shortInstruction("|2 A=1 B=2 /bin/sh -c make"), "RUN make");
    assert.equal(shortInstruction("RUN /bin/sh -c npm ci # buildkit"), "RUN npm ci");
    assert.equal(shortInstruction("COPY . /app # buildkit"), "COPY . /app");
    assert.equal(shortInstruction(""), "(no instruction recorded)");
    assert.equal(shortId(`sha256:${"0123456789ab".repeat(5)}abcd`), "0123456789ab");
  });
});
