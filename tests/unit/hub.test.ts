import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CLOSE, FLOW, type ServerMessage } from "../../lib/protocol";
import { TerminalHub, type TerminalClient } from "../../lib/terminal/hub";
import type { TerminalProcess } from "../../lib/terminal/process";

class FakeProcess implements TerminalProcess {
  written = "";
  paused = false;
  killed = false;
  size = { cols: 0, rows: 0 };
  private dataListeners: ((d: Buffer) => void)[] = [];
  private exitListeners: ((c: number, lost?: boolean) => void)[] = [];
  write(d: string) {
    this.written += d;
  }
  resize(cols: number, rows: number) {
    this.size = { cols, rows };
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  kill() {
    this.killed = true;
  }
  onData(l: (d: Buffer) => void) {
    this.dataListeners.push(l);
  }
  onExit(l: (c: number, lost?: boolean) => void) {
    this.exitListeners.push(l);
  }
  emit(d: string) {
    for (const l of this.dataListeners) l(Buffer.from(d));
  }
  exit(code: number, lost?: boolean) {
    for (const l of this.exitListeners) l(code, lost);
  }
}

class FakeClient implements TerminalClient {
  output = "";
  bytes = 0;
  messages: ServerMessage[] = [];
  closed?: number;
  sendOutput(d: Buffer) {
    this.output += d.toString();
    this.bytes += d.length;
  }
  sendMessage(m: ServerMessage) {
    this.messages.push(m);
  }
  close(code: number) {
    this.closed = code;
  }
  snapshot() {
    const s = this.messages.find((m) => m.type === "snapshot");
    return s?.type === "snapshot" ? s.data : undefined;
  }
}

function makeHub(stallTimeoutMs = 10_000) {
  const processes: FakeProcess[] = [];
  const hub = new TerminalHub({
    spawn: () => {
      const p = new FakeProcess();
      processes.push(p);
      return p;
    },
    stallTimeoutMs,
  });
  return { hub, processes };
}

/** Output is sent on the next turn of the event loop. */
const turn = () => new Promise((r) => setImmediate(r));

/** The mirror parses asynchronously: let it catch up. */
const flush = () => new Promise((r) => setTimeout(r, 20));

/**
 * Waits until every client has its snapshot, after which output reaches it
 * directly. The snapshot waits for the mirror, and the mirror works in
 * slices of about 12 ms: when one client's snapshot (the first serialize, on
 * cold code) fills a slice, the next client's waits for another timer, which
 * on a loaded machine comes after any fixed wait.
 */
async function joined(...clients: FakeClient[]): Promise<void> {
  const until = Date.now() + 5000;
  while (clients.some((c) => c.snapshot() === undefined)) {
    if (Date.now() > until) throw new Error("no snapshot within 5 s");
    await turn();
  }
}

describe("TerminalHub", () => {
  test("one shell is shared: every client sees output, anyone's input reaches it", async () => {
    const { hub, processes } = makeHub();
    const a = new FakeClient();
    const b = new FakeClient();
    hub.attach(a);
    hub.attach(b);
    await joined(a, b);
    assert.equal(processes.length, 1);
    processes[0]!.emit("hello");
    await turn();
    assert.equal(a.output, "hello");
    assert.equal(b.output, "hello");
    hub.input(b, "ls\r");
    assert.equal(processes[0]!.written, "ls\r");
  });

  test("a shell lost with the engine: clients are told and closed, the screen is kept, a new client starts a new shell", async () => {
    const { hub, processes } = makeHub();
    const a = new FakeClient();
    hub.attach(a);
    processes[0]!.emit("before the loss\r\n$ ");
    await turn();
    await flush();
    processes[0]!.exit(-1, true);
    assert.equal(a.closed, CLOSE.ENGINE_UNAVAILABLE);
    assert.ok(a.messages.some((m) => m.type === "error" && m.code === "engine_unavailable"));
    assert.ok(!a.messages.some((m) => m.type === "exit"), "not reported as the shell's end");
    const b = new FakeClient();
    hub.attach(b);
    await joined(b);
    assert.equal(processes.length, 2, "a new shell");
    assert.equal(b.closed, undefined);
    assert.match(b.snapshot() ?? "", /before the loss[^]*connection to the Docker engine was lost/);
  });

  test("output that came just before the loss stays above the loss notice, on everyone's screen", async () => {
    const { hub, processes } = makeHub();
    const a = new FakeClient();
    hub.attach(a);
    await joined(a);
    // The shell's last words arrive in the same turn as the loss: not yet passed on when it is handled.
    processes[0]!.emit("last words\r\n$ ");
    processes[0]!.exit(-1, true);
    assert.match(a.output, /last words/, "the client got them before it was closed");
    const b = new FakeClient();
    hub.attach(b);
    await joined(b);
    const screen = b.snapshot() ?? "";
    assert.ok(screen.indexOf("last words") >= 0 && screen.indexOf("last words") < screen.indexOf("connection to the Docker engine was lost"), screen);
    assert.doesNotMatch(screen.slice(screen.indexOf("was lost")), /\$ /, "no old prompt below the notice");
  });

  test("a late joiner gets the current screen as a snapshot, then only new output", async () => {
    const { hub, processes } = makeHub();
    hub.attach(new FakeClient());
    processes[0]!.emit("line one\r\nprompt$ ");
    await turn();
    const late = new FakeClient();
    hub.attach(late);
    processes[0]!.emit("after");
    await turn();
    await joined(late);
    assert.match(late.snapshot() ?? "", /line one/);
    assert.doesNotMatch(late.snapshot() ?? "", /after/);
    assert.equal(late.output, "after");
  });

  test("flow control pauses the shell above the high mark and resumes below the low mark", async () => {
    const { hub, processes } = makeHub();
    const client = new FakeClient();
    hub.attach(client);
    await joined(client);
    const p = processes[0]!;
    const chunk = "x".repeat(16 * 1024);
    for (let i = 0; i * chunk.length <= FLOW.PAUSE_ABOVE_BYTES; i++) p.emit(chunk);
    await turn();
    assert.equal(p.paused, true);
    hub.ack(client, client.bytes - FLOW.RESUME_BELOW_BYTES);
    assert.equal(p.paused, true, "still at the low mark");
    hub.ack(client, 1);
    assert.equal(p.paused, false);
    hub.close(CLOSE.NORMAL, "done");
  });

  test("a client that acknowledges part of its backlog and then stops is dropped too", async () => {
    const { hub, processes } = makeHub(30);
    const client = new FakeClient();
    hub.attach(client);
    await flush();
    processes[0]!.emit("z".repeat(FLOW.PAUSE_ABOVE_BYTES + 1));
    await turn();
    hub.ack(client, FLOW.PAUSE_ABOVE_BYTES - FLOW.RESUME_BELOW_BYTES);
    assert.equal(processes[0]!.paused, true, "between the marks: still waiting");
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(client.closed, CLOSE.TOO_SLOW);
    assert.equal(processes[0]!.paused, false);
  });

  test("with nobody watching, the mirror alone holds the shell back, and lets it go once parsed", async () => {
    const { hub, processes } = makeHub();
    const client = new FakeClient();
    hub.attach(client);
    await flush();
    hub.detach(client);
    const p = processes[0]!;
    for (let i = 0; i < 40; i++) p.emit("m".repeat(64 * 1024));
    await turn();
    assert.equal(p.paused, true, "the mirror's backlog paused the shell");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(p.paused, false, "resumed once the mirror caught up");
    hub.close(CLOSE.NORMAL, "done");
  });

  test("output queued for a joining client counts toward its backlog", async () => {
    const { hub, processes } = makeHub();
    const joining = new FakeClient();
    hub.attach(joining); // its snapshot waits for the mirror: output is queued meanwhile
    processes[0]!.emit("q".repeat(FLOW.PAUSE_ABOVE_BYTES + 1));
    await turn();
    assert.equal(processes[0]!.paused, true);
    hub.close(CLOSE.NORMAL, "done");
  });

  test("answers to terminal queries are taken from the first viewer only", async () => {
    const { hub, processes } = makeHub();
    const first = new FakeClient();
    const second = new FakeClient();
    hub.attach(first);
    hub.attach(second);
    hub.input(second, "\x1b[12;40R");
    hub.input(first, "\x1b[12;40R");
    hub.input(second, "\x1b[?1;2c");
    hub.input(second, "typed by the second\r");
    assert.equal(processes[0]!.written, "\x1b[12;40Rtyped by the second\r");
    hub.close(CLOSE.NORMAL, "done");
  });

  test("a client that stops acknowledging is dropped so the others go on", async () => {
    const { hub, processes } = makeHub(30);
    const stalled = new FakeClient();
    hub.attach(stalled);
    await flush();
    processes[0]!.emit("y".repeat(FLOW.PAUSE_ABOVE_BYTES + 1));
    await turn();
    assert.equal(processes[0]!.paused, true);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(stalled.closed, CLOSE.TOO_SLOW);
    assert.equal(processes[0]!.paused, false);
  });

  test("resize reaches the shell; when the shell exits, input starts a new one", async () => {
    const { hub, processes } = makeHub();
    const client = new FakeClient();
    hub.attach(client);
    hub.resize(client, 120, 40);
    assert.deepEqual(processes[0]!.size, { cols: 120, rows: 40 });
    processes[0]!.exit(0);
    assert.deepEqual(client.messages.at(-1), { type: "exit", exitCode: 0 });
    hub.input(client, "\r");
    assert.equal(processes.length, 2);
    assert.equal(processes[1]!.written, "\r");
  });

  test("watchers see everything but their input and resizes never reach the shell", async () => {
    const { hub, processes } = makeHub();
    const owner = new FakeClient();
    const watcher = new FakeClient();
    hub.attach(owner);
    hub.attach(watcher, { control: false });
    await joined(watcher);
    hub.input(watcher, "rm -rf /\r");
    hub.input(watcher, "\x1b[1;1R"); // even a terminal reply
    hub.resize(watcher, 10, 5);
    assert.equal(processes[0]!.written, "");
    assert.notDeepEqual(processes[0]!.size, { cols: 10, rows: 5 });
    processes[0]!.emit("hello");
    await turn();
    assert.ok(watcher.output.includes("hello"));
  });

  test("the size follows the control client that typed or resized last, and everyone is told", async () => {
    const { hub, processes } = makeHub();
    const a = new FakeClient();
    const b = new FakeClient();
    const w = new FakeClient();
    hub.attach(a);
    hub.attach(b);
    hub.attach(w, { control: false });
    // The snapshot (and the size before it) waits for the mirror.
    await joined(w);
    assert.deepEqual(w.messages.find((m) => m.type === "size"), { type: "size", cols: 80, rows: 24 }, "sent on joining");
    hub.resize(a, 100, 30);
    hub.resize(b, 60, 20);
    assert.deepEqual(processes[0]!.size, { cols: 60, rows: 20 });
    hub.input(a, "x");
    assert.deepEqual(processes[0]!.size, { cols: 100, rows: 30 }, "a typed: a's size");
    assert.deepEqual(w.messages.at(-1), { type: "size", cols: 100, rows: 30 });
    hub.detach(a);
    assert.deepEqual(processes[0]!.size, { cols: 60, rows: 20 }, "a left: b's size");
  });

  test("close kills the shell and disconnects everyone; later joiners are refused", () => {
    const { hub, processes } = makeHub();
    const client = new FakeClient();
    hub.attach(client);
    hub.close(CLOSE.SESSION_ENDED, "session ended");
    assert.equal(processes[0]!.killed, true);
    assert.equal(client.closed, CLOSE.SESSION_ENDED);
    const late = new FakeClient();
    hub.attach(late);
    assert.equal(late.closed, CLOSE.SESSION_ENDED);
  });
});
