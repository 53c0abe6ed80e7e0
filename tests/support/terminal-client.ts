/**
 * A terminal client for tests and benchmarks: speaks the real protocol to a
 * running server, keeps the screen in a headless xterm, and acknowledges
 * output like the browser does.
 */
import { Terminal } from "@xterm/headless";
import WebSocket from "ws";
import { FLOW, terminalPath, type ServerMessage } from "../../lib/protocol";

export interface TerminalClientOptions {
  /** Base URL of the server, e.g. http://localhost:3000 */
  baseUrl: string;
  sessionId: string;
  node?: string;
  origin?: string;
  cols?: number;
  rows?: number;
  /**
   * Keep the screen in a headless xterm and acknowledge after it parsed the
   * output, as the browser does (default). Off: acknowledge on receipt, to
   * measure the server alone.
   */
  screen?: boolean;
}

/** How much of the latest output is kept for waitFor and `output`. */
const KEPT_CHARS = 1024 * 1024;
/** waitFor looks at most this far back: what it waits for is near the end. */
const SEARCHED_CHARS = 256 * 1024;

export class TestTerminal {
  readonly screen: Terminal;
  readonly messages: ServerMessage[] = [];
  /** The latest output written to the screen (snapshots and output), decoded, at most KEPT_CHARS. */
  output = "";
  /** Characters received in all: a position for waitFor's `from`. */
  received = 0;
  /** Bytes of terminal output received. */
  bytes = 0;
  closed?: { code: number; reason: string };
  private ws!: WebSocket;
  private unacked = 0;

  private constructor(private readonly opts: TerminalClientOptions) {
    this.screen = new Terminal({ cols: opts.cols ?? 100, rows: opts.rows ?? 30, allowProposedApi: true, scrollback: 5000 });
  }

  static async open(opts: TerminalClientOptions): Promise<TestTerminal> {
    const t = new TestTerminal(opts);
    await t.connect();
    return t;
  }

  private connect(): Promise<void> {
    const url = new URL(terminalPath(this.opts.sessionId, this.opts.node ?? "node1"), this.opts.baseUrl);
    url.protocol = url.protocol.replace("http", "ws");
    this.ws = new WebSocket(url, { headers: { origin: this.opts.origin ?? new URL(this.opts.baseUrl).origin } });
    this.ws.on("message", (data, isBinary) => {
      if (isBinary) {
        const bytes = data as Buffer;
        this.bytes += bytes.length;
        this.keep(bytes.toString("utf8"));
        if (this.opts.screen === false) this.ack(bytes.length);
        else this.screen.write(bytes, () => this.ack(bytes.length));
      } else {
        const message = JSON.parse(data.toString()) as ServerMessage;
        this.messages.push(message);
        if (message.type === "snapshot") {
          this.keep(message.data);
          this.screen.write(message.data);
        }
      }
    });
    this.ws.on("close", (code, reason) => (this.closed = { code, reason: reason.toString() }));
    return new Promise((resolve, reject) => {
      this.ws.once("open", () => {
        this.send({ type: "resize", cols: this.screen.cols, rows: this.screen.rows });
        resolve();
      });
      this.ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
      this.ws.once("error", reject);
    });
  }

  private keep(text: string): void {
    this.received += text.length;
    this.output += text;
    if (this.output.length > 2 * KEPT_CHARS) this.output = this.output.slice(-KEPT_CHARS);
  }

  /** The position to pass to waitFor as `from`: only output after now counts. */
  mark(): number {
    return this.received;
  }

  private ack(bytes: number): void {
    this.unacked += bytes;
    if (this.unacked >= FLOW.ACK_EVERY_BYTES) {
      this.send({ type: "ack", bytes: this.unacked });
      this.unacked = 0;
    }
  }

  send(message: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  type(data: string): void {
    this.send({ type: "input", data });
  }

  /** The screen's text, scrollback included, lines trimmed. */
  text(): string {
    const buffer = this.screen.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n");
  }

  /**
   * Waits until the output since `from` (a mark()), with colours and other
   * escape sequences removed, matches. Only the last SEARCHED_CHARS count.
   */
  async waitFor(pattern: RegExp | string, timeoutMs = 15_000, from = 0): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const matches = () => {
      const start = this.output.length - (this.received - from);
      const seen = plain(this.output.slice(Math.max(start, this.output.length - SEARCHED_CHARS, 0)));
      return typeof pattern === "string" ? seen.includes(pattern) : pattern.test(seen);
    };
    while (!matches()) {
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting for ${pattern}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output ends with: ${this.output.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Waits for the shell prompt (the node's name before the cwd). The first
   * prompt may come in the snapshot of a shell started ahead, where the
   * space after it is an empty cell, not a character: then the screen shows
   * it, with the cursor right after it.
   */
  async waitForPrompt(timeoutMs = 15_000, from = 0): Promise<void> {
    if (from > 0) return this.waitFor(/node\d+:\S*[#$] $/m, timeoutMs, from);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const buffer = this.screen.buffer.active;
      const line = buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true) ?? "";
      if (/node\d+:\S*[#$]$/.test(line) && buffer.cursorX >= line.length + 1) return;
      if (/node\d+:\S*[#$] $/m.test(plain(this.output.slice(-SEARCHED_CHARS)))) return;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting for the prompt`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for the prompt; output ends with: ${this.output.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.ws.close(1000);
  }

  closedPromise(): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve) => this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }
}

/** Text without terminal escape sequences (CSI and OSC). */
// eslint-disable-next-line no-control-regex -- matching ESC and BEL is the point
export const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, "");
