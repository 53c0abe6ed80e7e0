/**
 * The editor's files API on the real engine: list, read, binary and large
 * files refused, save with If-Match and the conflict after a change in the
 * node, delete, move, mkdir, watch-only refusals and 404s.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { FileChangedBody, PathView, SavedFile, SessionView } from "../../lib/protocol";
import { startServer, type TestServer } from "../support/server";

const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");
const post = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe("the files API on the real engine", () => {
  let server: TestServer;
  let s: SessionView;
  let watchId: string;
  const files = (id: string, query = "") => `/api/sessions/${id}/nodes/node1/files${query}`;
  const get = (path: string, id = s.id) => server.api(files(id, `?path=${encodeURIComponent(path)}`));
  const sh = async (script: string) => {
    const r = await server.exec(s.id, ["sh", "-c", script]);
    assert.equal(r.exitCode, 0, r.stderr);
    return r.stdout;
  };

  before(async () => {
    server = await startServer();
    s = await server.readySession();
    watchId = s.share!.watch.slice("/s/".length);
    await sh(
      "mkdir -p /root/proj/src /root/proj/empty && printf 'FROM busybox\\n' > /root/proj/Dockerfile && printf 'x' > /root/proj/a.txt" +
        " && ln -s Dockerfile /root/proj/link && printf 'a\\000b' > /root/proj/nul.bin && printf 'caf\\351' > /root/proj/latin1.txt" +
        " && head -c 1048577 /dev/zero | tr '\\0' 'x' > /root/proj/big.txt",
    );
  });
  after(async () => {
    await server?.destroy();
  });

  test("a folder: folders first, then by name, with kinds; watchers may list", async () => {
    const res = await get("proj", watchId);
    assert.equal(res.status, 200);
    const view = (await res.json()) as PathView;
    assert.ok(view.kind === "folder");
    assert.equal(view.path, "/root/proj");
    assert.equal(view.truncated, undefined);
    assert.deepEqual(
      view.entries.map((e) => `${e.kind} ${e.name}`),
      ["folder empty", "folder src", "file Dockerfile", "file a.txt", "file big.txt", "file latin1.txt", "link link", "file nul.bin"],
    );
    const a = view.entries.find((e) => e.name === "a.txt")!;
    assert.equal(a.size, 1);
    assert.ok(Math.abs(Date.parse(a.mtime) - Date.now()) < 5 * 60_000, a.mtime);
  });

  test("a text file, links followed; binary 415 and large 413 with advice; 404", async () => {
    const res = await get("proj/link", watchId);
    assert.equal(res.status, 200);
    const view = (await res.json()) as PathView;
    assert.deepEqual(view.kind === "file" && { ...view, mtime: undefined }, {
      kind: "file",
      path: "/root/proj/Dockerfile",
      content: "FROM busybox\n",
      size: 13,
      mtime: undefined,
      version: sha("FROM busybox\n"),
    });
    assert.equal(res.headers.get("etag"), `"${sha("FROM busybox\n")}"`);

    for (const path of ["proj/nul.bin", "proj/latin1.txt"]) {
      const bin = await get(path);
      assert.equal(bin.status, 415, path);
      const body = (await bin.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "binary_file");
      assert.match(body.error.message, /cannot be edited here\. Download it instead/);
    }
    const big = await get("/root/proj/big.txt");
    assert.equal(big.status, 413);
    assert.equal(await codeOf(big), "file_too_large");
    const missing = await get("proj/nope");
    assert.equal(missing.status, 404);
    assert.equal(await codeOf(missing), "path_not_found");
  });

  test("save with If-Match; 409 file_changed with the current version once the file changed in the node", async () => {
    const opened = (await (await get("proj/Dockerfile")).json()) as Extract<PathView, { kind: "file" }>;
    const first = "FROM busybox\nCMD echo one\n";
    const saved = await server.api(files(s.id, "?path=proj/Dockerfile"), { method: "PUT", body: first, headers: { "if-match": opened.version } });
    assert.equal(saved.status, 201);
    const body = (await saved.json()) as SavedFile;
    assert.deepEqual(body, { path: "/root/proj/Dockerfile", size: first.length, version: sha(first) });
    assert.equal(await sh("cat /root/proj/Dockerfile"), first);
    const reread = (await (await get("proj/Dockerfile")).json()) as Extract<PathView, { kind: "file" }>;
    assert.equal(reread.version, body.version, "the saved version is what a read gives");

    await sh("echo '# changed in the terminal' >> /root/proj/Dockerfile");
    const stale = await server.api(files(s.id, "?path=proj/Dockerfile"), { method: "PUT", body: "FROM busybox\n", headers: { "if-match": body.version } });
    assert.equal(stale.status, 409);
    const conflict = (await stale.json()) as FileChangedBody;
    assert.equal(conflict.error.code, "file_changed");
    assert.match(conflict.error.message, /changed in the node since it was opened/);
    const now = await sh("cat /root/proj/Dockerfile");
    assert.equal(conflict.current.version, sha(now));
    assert.match(now, /changed in the terminal/, "nothing was overwritten");

    // Overwriting on purpose: the current version as If-Match.
    const forced = await server.api(files(s.id, "?path=proj/Dockerfile"), { method: "PUT", body: first, headers: { "if-match": conflict.current.version! } });
    assert.equal(forced.status, 201);

    await sh("rm /root/proj/a.txt");
    const gone = await server.api(files(s.id, "?path=proj/a.txt"), { method: "PUT", body: "x", headers: { "if-match": sha("x") } });
    assert.equal(gone.status, 409);
    assert.equal(((await gone.json()) as FileChangedBody).current.version, null);
  });

  test("move, mkdir, delete a file and a folder; 404, 409 and the protected folders", async () => {
    const mk = await server.api(files(s.id, "/folder"), post({ path: "proj/new/deep" }));
    assert.equal(mk.status, 201);
    assert.deepEqual(await mk.json(), { path: "/root/proj/new/deep" });
    assert.equal((await server.api(files(s.id, "/folder"), post({ path: "proj/new/deep" }))).status, 201, "already there is fine");
    const onFile = await server.api(files(s.id, "/folder"), post({ path: "proj/Dockerfile" }));
    assert.equal(onFile.status, 409);
    assert.equal(await codeOf(onFile), "path_exists");

    const mv = await server.api(files(s.id, "/move"), post({ from: "proj/Dockerfile", to: "proj/new/Dockerfile.dev" }));
    assert.equal(mv.status, 200);
    assert.deepEqual(await mv.json(), { path: "/root/proj/new/Dockerfile.dev" });
    assert.equal(await sh("test ! -e /root/proj/Dockerfile && cat /root/proj/new/Dockerfile.dev"), "FROM busybox\nCMD echo one\n");
    const taken = await server.api(files(s.id, "/move"), post({ from: "proj/new/Dockerfile.dev", to: "proj/latin1.txt" }));
    assert.equal(taken.status, 409);
    assert.equal(await codeOf(taken), "path_exists");
    assert.equal((await server.api(files(s.id, "/move"), post({ from: "proj/nothing", to: "proj/x" }))).status, 404);
    assert.equal((await server.api(files(s.id, "/move"), post({ from: "proj" }))).status, 400);

    const delFile = await server.api(files(s.id, "?path=proj/latin1.txt"), { method: "DELETE" });
    assert.equal(delFile.status, 204);
    const delFolder = await server.api(files(s.id, "?path=proj/new"), { method: "DELETE" });
    assert.equal(delFolder.status, 204);
    assert.equal(await sh("ls /root/proj | tr '\\n' ' '"), "big.txt empty link nul.bin src ");
    assert.equal((await server.api(files(s.id, "?path=proj/new"), { method: "DELETE" })).status, 404);
    for (const path of ["/", "/root", "."]) {
      const refused = await server.api(files(s.id, `?path=${encodeURIComponent(path)}`), { method: "DELETE" });
      assert.equal(refused.status, 400, path);
      assert.match(((await refused.json()) as { error: { message: string } }).error.message, /cannot be removed/);
    }
    assert.equal(await sh("test -d /root && echo yes"), "yes\n");
  });

  test("a watch id gets 403 watch_only for every change, and nothing changes", async () => {
    for (const [path, init] of [
      [files(watchId, "?path=proj/w.txt"), { method: "PUT", body: "x" }],
      [files(watchId, "?path=proj/big.txt"), { method: "PUT", body: "x", headers: { "if-match": "*" } }],
      [files(watchId, "?path=proj/big.txt"), { method: "DELETE" }],
      [files(watchId, "/move"), post({ from: "proj/big.txt", to: "proj/b.txt" })],
      [files(watchId, "/folder"), post({ path: "proj/w" })],
    ] as const) {
      const res = await server.api(path, init as RequestInit);
      assert.equal(res.status, 403, `${init.method} ${path}`);
      assert.equal(await codeOf(res), "watch_only");
    }
    assert.equal(await sh("ls /root/proj | tr '\\n' ' '"), "big.txt empty link nul.bin src ");
    assert.equal((await get("proj", watchId)).status, 200);
  });

  test("unknown node and session are 404", async () => {
    assert.equal(await codeOf(await server.api(`/api/sessions/${s.id}/nodes/node9/files?path=x`)), "node_not_found");
    assert.equal(await codeOf(await server.api(`/api/sessions/${"a".repeat(24)}/nodes/node1/files?path=x`)), "session_not_found");
    assert.equal((await server.api(`/api/sessions/${s.id}/nodes/node9/files/folder`, post({ path: "x" }))).status, 404);
  });
});
