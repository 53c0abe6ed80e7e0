/**
 * The Engine API terminal backend against a fake engine whose resize
 * requests take different times, as on a busy engine: the shell must end at
 * the newest size, whatever order the engine finishes them in.
 */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import type Docker from "dockerode";
import { apiExec } from "../../lib/terminal/api-exec";

class FakeExec {
  /** The size the shell has: set by the resize request that finished last. */
  shell = { cols: 0, rows: 0 };
  calls: string[] = [];
  private onStarted!: () => void;
  readonly started = new Promise<void>((r) => (this.onStarted = r));
  private release!: () => void;
  readonly startGate = new Promise<void>((r) => (this.release = r));
  stream = new PassThrough();

  async start() {
    await this.startGate;
    this.onStarted();
    return this.stream;
  }
  async resize({ h, w }: { h: number; w: number }) {
    this.calls.push(`${w}x${h}`);
    // The first request (the size at start) is the slow one.
    await new Promise((r) => setTimeout(r, this.calls.length === 1 ? 60 : 5));
    this.shell = { cols: w, rows: h };
  }
  async inspect() {
    return { ExitCode: 0 };
  }
  open() {
    this.release();
  }
}

test("a resize that arrives while the shell's first size is being set is not undone by it", async () => {
  const exec = new FakeExec();
  const docker = { getContainer: () => ({ exec: async () => exec }) } as unknown as Docker;
  const shell = apiExec(docker, "t")({ sessionId: "s".repeat(24), node: "node1", name: "main" }, { cols: 80, rows: 24 });
  exec.open();
  await exec.started;
  // The page's size arrives just after the exec started, while 80x24 is still on its way.
  await new Promise((r) => setImmediate(r));
  shell.resize(105, 43);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(exec.shell, { cols: 105, rows: 43 }, `resize requests: ${exec.calls.join(", ")}`);
  // Later sizes follow one another; the same size twice is not asked again.
  shell.resize(120, 40);
  shell.resize(100, 30);
  shell.resize(100, 30);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(exec.shell, { cols: 100, rows: 30 });
  assert.equal(exec.calls.at(-1), "100x30");
  assert.equal(exec.calls.filter((c) => c === "100x30").length, 1);
  shell.kill();
});
