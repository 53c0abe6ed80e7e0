/** The editor's file operations in the session core, on the fake runtime's file system. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { beforeEach, describe, test } from "node:test";
import type { PathView } from "../../lib/protocol";
import { SessionManager } from "../../lib/sessions/manager";
import { FakeRuntime } from "../support/fake-runtime";

const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");
const body = (s: string) => [Readable.from([Buffer.from(s)]), Buffer.byteLength(s)] as const;

describe("files for the editor", () => {
  let runtime: FakeRuntime;
  let manager: SessionManager;
  let id: string;
  let watchId: string;
  const put = (path: string, content: string | Buffer) => runtime.putFile(id, "node1", path, content);

  beforeEach(async () => {
    runtime = new FakeRuntime();
    manager = new SessionManager(runtime, { consume: async () => {} }, { instance: "t", sessionTtlMs: 60_000, maxSessions: 5, reaperIntervalMs: 60_000 });
    const view = await manager.create("c");
    id = view.id;
    watchId = view.share!.watch.slice("/s/".length);
    await manager.readyNode(id, "node1", 1000);
  });

  test("a folder lists folders first, then files, by name, with kind, size and time", async () => {
    put("/root/app/b.txt", "bb");
    put("/root/app/a.txt", "a");
    put("/root/app/src/main.go", "package main");
    const view = await manager.getPath(id, "node1", "app");
    assert.equal(view.kind, "folder");
    assert.equal(view.path, "/root/app");
    assert.ok(view.kind === "folder" && !view.truncated);
    assert.deepEqual(view.kind === "folder" && view.entries.map((e) => [e.name, e.kind, e.size]), [
      ["src", "folder", 4096],
      ["a.txt", "file", 1],
      ["b.txt", "file", 2],
    ]);
    assert.match((view as Extract<PathView, { kind: "folder" }>).entries[0]!.mtime, /^\d{4}-\d\d-\d\dT/);
    const listing = runtime.execs.find((e) => e.cmd[3] === "playground-list")!;
    assert.equal(listing.cmd[4], "/root/app", "the path is an argument, not part of the script");
    assert.ok(!listing.cmd[2]!.includes("/root/app"));
  });

  test("a listing stops at 2000 entries and says so", async () => {
    for (let i = 0; i < 2005; i++) put(`/root/many/f${String(i).padStart(4, "0")}`, "");
    const view = await manager.getPath(id, "node1", "/root/many");
    assert.ok(view.kind === "folder");
    assert.equal(view.entries.length, 2000);
    assert.equal(view.truncated, true);
  });

  test("a text file comes with its content, size, time and version; watchers may read", async () => {
    put("/root/Dockerfile", "FROM busybox\nCMD echo hé\n");
    const view = await manager.getPath(watchId, "node1", "Dockerfile");
    assert.equal(view.kind, "file");
    assert.ok(view.kind === "file");
    assert.equal(view.content, "FROM busybox\nCMD echo hé\n");
    assert.equal(view.size, Buffer.byteLength(view.content));
    assert.equal(view.version, sha(view.content));
    assert.match(view.mtime, /^\d{4}-/);
  });

  test("binary and large files are refused with advice to download them; missing paths are 404", async () => {
    put("/root/nul.bin", Buffer.from([0x61, 0x00, 0x62]));
    put("/root/latin1.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    put("/root/big.txt", "x".repeat(1024 * 1024 + 1));
    put("/root/limit.txt", "x".repeat(1024 * 1024));
    for (const path of ["nul.bin", "latin1.txt"]) {
      await assert.rejects(manager.getPath(id, "node1", path), (e: { code: string; status: number; message: string }) => {
        assert.equal(e.code, "binary_file");
        assert.equal(e.status, 415);
        assert.match(e.message, /cannot be edited here\. Download it instead/);
        return true;
      });
    }
    await assert.rejects(manager.getPath(id, "node1", "big.txt"), { code: "file_too_large", status: 413, message: /Download it instead/ });
    assert.equal((await manager.getPath(id, "node1", "limit.txt")).kind, "file", "exactly 1 MiB is fine");
    await assert.rejects(manager.getPath(id, "node1", "nope"), { code: "path_not_found", status: 404 });
    await assert.rejects(manager.getPath(id, "node1", "a\0b"), { code: "bad_request", status: 400 });
  });

  test("save: the new version comes back; If-Match with the current version saves", async () => {
    const first = await manager.saveFile(id, "node1", "app/compose.yaml", ...body("services: {}\n"));
    assert.deepEqual(first, { path: "/root/app/compose.yaml", size: 13, version: sha("services: {}\n") });
    const second = await manager.saveFile(id, "node1", "app/compose.yaml", ...body("services:\n  web: {}\n"), first.version);
    assert.equal(second.version, sha("services:\n  web: {}\n"));
    assert.equal(runtime.files.get(`${id}/node1:/root/app/compose.yaml`)?.toString(), "services:\n  web: {}\n");
    // Quoted like an ETag, and "*" (any file that exists), are accepted too.
    await manager.saveFile(id, "node1", "app/compose.yaml", ...body("a"), `"${second.version}"`);
    await manager.saveFile(id, "node1", "app/compose.yaml", ...body("b"), "*");
  });

  test("save: a body that fails while the node is still being checked (the client went away) is an error, not an uncaught exception", async () => {
    // The node's engine is slow to answer (mkdir): the body fails while the save waits for it.
    const exec = runtime.exec.bind(runtime);
    let answer!: () => void;
    const slow = new Promise<void>((resolve) => (answer = resolve));
    runtime.exec = async (...args: Parameters<FakeRuntime["exec"]>) => {
      await slow;
      return exec(...args);
    };
    const content = new PassThrough();
    content.write("half a fi");
    const saving = manager.saveFile(id, "node1", "cut.txt", content, 100);
    await new Promise((r) => setImmediate(r));
    content.destroy(new Error("aborted"));
    await new Promise((r) => setImmediate(r));
    answer();
    await assert.rejects(saving, /aborted/);
    assert.equal(runtime.files.get(`${id}/node1:/root/cut.txt`), undefined);
  });

  test("save: If-Match with an old version, or a file removed since, is 409 file_changed with the current version", async () => {
    put("/root/app.py", "print(1)\n");
    const opened = await manager.getPath(id, "node1", "app.py");
    assert.ok(opened.kind === "file");
    put("/root/app.py", "print(2)\n"); // changed in the node meanwhile
    await assert.rejects(manager.saveFile(id, "node1", "app.py", ...body("print(3)\n"), opened.version), (e: { code: string; status: number; current: string | null; message: string }) => {
      assert.equal(e.code, "file_changed");
      assert.equal(e.status, 409);
      assert.equal(e.current, sha("print(2)\n"));
      assert.match(e.message, /changed in the node since it was opened/);
      return true;
    });
    assert.equal(runtime.files.get(`${id}/node1:/root/app.py`)?.toString(), "print(2)\n", "nothing was written");
    await manager.removePath(id, "node1", "app.py");
    await assert.rejects(manager.saveFile(id, "node1", "app.py", ...body("x"), opened.version), { code: "file_changed", current: null });
  });

  test("delete removes a file, or a folder with its contents; / and /root are refused; 404 when missing", async () => {
    put("/root/dir/sub/a", "a");
    put("/root/one", "1");
    await manager.removePath(id, "node1", "one");
    assert.ok(!runtime.files.has(`${id}/node1:/root/one`));
    await manager.removePath(id, "node1", "/root/dir");
    assert.ok(![...runtime.files.keys(), ...runtime.folders].some((k) => k.includes("/root/dir")));
    for (const path of ["/", "/root", "~/..", "."]) {
      await assert.rejects(manager.removePath(id, "node1", path), { code: "bad_request", status: 400, message: /cannot be removed/ });
    }
    await assert.rejects(manager.removePath(id, "node1", "one"), { code: "path_not_found", status: 404 });
  });

  test("move renames, creates the folders above, never replaces; 404 and 409", async () => {
    put("/root/a.txt", "a");
    put("/root/taken", "t");
    assert.equal(await manager.movePath(id, "node1", "a.txt", "new/dir/b.txt"), "/root/new/dir/b.txt");
    assert.equal(runtime.files.get(`${id}/node1:/root/new/dir/b.txt`)?.toString(), "a");
    assert.ok(!runtime.files.has(`${id}/node1:/root/a.txt`));
    await assert.rejects(manager.movePath(id, "node1", "new/dir/b.txt", "taken"), { code: "path_exists", status: 409 });
    await assert.rejects(manager.movePath(id, "node1", "missing", "x"), { code: "path_not_found", status: 404 });
    await assert.rejects(manager.movePath(id, "node1", "/root", "/tmp/r"), { code: "bad_request" });
    const mv = runtime.execs.find((e) => e.cmd[0] === "mv")!;
    assert.deepEqual(mv.cmd, ["mv", "-n", "-T", "--", "/root/a.txt", "/root/new/dir/b.txt"]);
  });

  test("mkdir makes parents, is fine when the folder exists, 409 when a file is there", async () => {
    assert.equal(await manager.makeFolder(id, "node1", "x/y/z"), "/root/x/y/z");
    assert.ok(runtime.folders.has(`${id}/node1:/root/x/y`));
    assert.equal(await manager.makeFolder(id, "node1", "x/y/z"), "/root/x/y/z");
    put("/root/file", "f");
    await assert.rejects(manager.makeFolder(id, "node1", "file"), { code: "path_exists", status: 409, message: /A file is already at \/root\/file/ });
  });

  test("a watch id reads but every change is 403 watch_only, before anything runs in the node", async () => {
    put("/root/f", "f");
    const before = runtime.execs.length;
    for (const attempt of [
      () => manager.saveFile(watchId, "node1", "f", ...body("x")),
      () => manager.saveFile(watchId, "node1", "f", ...body("x"), sha("f")),
      () => manager.removePath(watchId, "node1", "f"),
      () => manager.movePath(watchId, "node1", "f", "g"),
      () => manager.makeFolder(watchId, "node1", "d"),
    ]) {
      await assert.rejects(attempt(), { code: "watch_only", status: 403 });
    }
    assert.equal(runtime.execs.length, before);
    assert.equal((await manager.getPath(watchId, "node1", "/root")).kind, "folder");
  });
});
