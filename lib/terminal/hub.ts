/**
 * One shared shell and everyone watching it. Output goes to every client
 * and into a headless mirror, so that a client who joins late (or
 * reconnects) first gets the current screen, then live output.
 *
 * Flow control: each client acknowledges the bytes it has rendered, and the
 * mirror counts the bytes it has not parsed yet. While any client has more
 * than FLOW.PAUSE_ABOVE_BYTES unacknowledged, or the mirror more than
 * MIRROR_PAUSE_ABOVE_BYTES pending, the shell's output is not read: a flood
 * (`yes`) backs up into the shell instead of into memory, and Ctrl+C reaches
 * it at once. Memory per hub is therefore bounded, with or without clients.
 */
import { SerializeAddon } from "@xterm/addon-serialize";
import { Terminal } from "@xterm/headless";
import { CLOSE, FLOW, type ServerMessage } from "../protocol";
import type { TerminalProcess } from "./process";

export interface TerminalClient {
  sendOutput(data: Buffer): void;
  sendMessage(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

interface ClientState {
  /** May type and resize; watchers only look. */
  control: boolean;
  /** The size this client's screen wants (control clients only). */
  wants?: { cols: number; rows: number };
  /** Output that arrived while the client's snapshot was being made. */
  queue: Buffer[] | null;
  /** Bytes sent or queued and not yet acknowledged. */
  unacked: number;
}

export const ENGINE_LOST_MESSAGE = "Lost the connection to the Docker engine; retrying…";
const LOST_LINE = "\r\n\x1b[2m[the connection to the Docker engine was lost; this is a new shell]\x1b[0m\r\n";

/** The mirror parses about 15 MB/s; it may fall this far behind before the shell waits. */
const MIRROR_PAUSE_ABOVE_BYTES = 1024 * 1024;
const MIRROR_RESUME_BELOW_BYTES = 256 * 1024;

/**
 * Answers a terminal gives to a program's queries (cursor position, device
 * attributes, colours). Every viewer's xterm answers; the shell must get
 * one answer, so only the first control client's are passed on.
 */
// eslint-disable-next-line no-control-regex -- these are escape sequences
const TERMINAL_REPLY = /^(\x1b\[\??[\d;]*[Rcn]|\x1b\[>[\d;]*c|\x1b\[\??[\d;]*\$y|\x1b\]\d+;[^\x07\x1b]*(\x07|\x1b\\))+$/;

export interface HubOptions {
  spawn: (size: { cols: number; rows: number }) => TerminalProcess;
  /** Lines of history a joining client receives. */
  scrollback?: number;
  /** A client that stays above the pause mark this long is disconnected (it may reconnect). */
  stallTimeoutMs?: number;
}

export class TerminalHub {
  private readonly clients = new Map<TerminalClient, ClientState>();
  private readonly mirror: Terminal;
  private readonly serializer = new SerializeAddon();
  private process?: TerminalProcess;
  private paused = false;
  private mirrorPending = 0;
  private pending: Buffer[] = [];
  private stallTimer?: NodeJS.Timeout;
  private size = { cols: 80, rows: 24 };
  private closed = false;

  constructor(private readonly opts: HubOptions) {
    this.mirror = new Terminal({ ...this.size, scrollback: opts.scrollback ?? 1000, allowProposedApi: true });
    // The addon's types name the browser Terminal; the headless one has what it uses.
    this.mirror.loadAddon(this.serializer as unknown as Parameters<Terminal["loadAddon"]>[0]);
  }

  /** Joins a client; `control: false` makes it a watcher, whose input and resizes are ignored. */
  attach(client: TerminalClient, { control = true }: { control?: boolean } = {}): void {
    if (this.closed) return client.close(CLOSE.SESSION_ENDED, "session ended");
    const state: ClientState = { control, queue: [], unacked: 0 };
    this.clients.set(client, state);
    this.ensureProcess();
    // Everything written to the mirror before this point is in the snapshot;
    // what arrives later is queued for this client and sent right after it.
    this.mirror.write("", () => {
      if (!this.clients.has(client)) return;
      client.sendMessage({ type: "size", ...this.size });
      client.sendMessage({ type: "snapshot", data: this.serializer.serialize({ scrollback: this.opts.scrollback ?? 1000 }) });
      const queued = state.queue ?? [];
      state.queue = null;
      for (const chunk of queued) client.sendOutput(chunk);
    });
  }

  /** Starts the shell before anyone joins, so that the first to join finds its prompt already there. */
  warm(): void {
    if (!this.closed) this.ensureProcess();
  }

  detach(client: TerminalClient): void {
    const state = this.clients.get(client);
    this.clients.delete(client);
    // The one who owned the size left: the newest remaining control client's screen decides.
    if (state?.wants && state.wants.cols === this.size.cols && state.wants.rows === this.size.rows) {
      const next = [...this.clients.values()].reverse().find((s) => s.control && s.wants);
      if (next?.wants) this.applySize(next.wants);
    }
    this.maybeResume();
  }

  input(from: TerminalClient, data: string): void {
    const state = this.clients.get(from);
    if (this.closed || !state?.control) return;
    if (TERMINAL_REPLY.test(data)) {
      if (this.firstControl() !== from) return;
    } else if (state.wants) {
      // The size follows whoever types: their screen fits the shell.
      this.applySize(state.wants);
    }
    this.ensureProcess().write(data);
  }

  /** A control client's screen changed size: the shell takes that size. Watchers' sizes are ignored. */
  resize(from: TerminalClient, cols: number, rows: number): void {
    const state = this.clients.get(from);
    if (this.closed || !state?.control) return;
    state.wants = { cols, rows };
    this.applySize(state.wants);
  }

  private applySize({ cols, rows }: { cols: number; rows: number }): void {
    if (cols === this.size.cols && rows === this.size.rows) return;
    this.size = { cols, rows };
    this.mirror.resize(cols, rows);
    this.process?.resize(cols, rows);
    for (const [client, state] of this.clients) if (!state.queue) client.sendMessage({ type: "size", cols, rows });
  }

  private firstControl(): TerminalClient | undefined {
    for (const [client, state] of this.clients) if (state.control) return client;
    return undefined;
  }

  ack(client: TerminalClient, bytes: number): void {
    const state = this.clients.get(client);
    if (!state) return;
    state.unacked = Math.max(0, state.unacked - bytes);
    this.maybeResume();
  }

  /** Tells every client something about the node (its status), without touching the shell. */
  notify(message: ServerMessage): void {
    for (const client of this.clients.keys()) client.sendMessage(message);
  }

  /** Ends the shell and disconnects everyone with this close code. */
  close(code: number, reason: string): void {
    this.closed = true;
    clearTimeout(this.stallTimer);
    this.process?.kill();
    this.process = undefined;
    for (const client of this.clients.keys()) client.close(code, reason);
    this.clients.clear();
    this.mirror.dispose();
  }

  /**
   * The connection to the shell broke with the engine: everyone is told and
   * disconnected, and comes back by reconnecting. The screen is kept, and a
   * client that joins later starts a new shell.
   */
  private engineLost(): void {
    // What the old shell printed last goes first (it may still wait for its turn in `pending`),
    // so that the notice sits between its last line and the new shell's prompt.
    this.flush();
    this.mirror.write(LOST_LINE);
    this.paused = false;
    clearTimeout(this.stallTimer);
    for (const client of this.clients.keys()) {
      client.sendMessage({ type: "error", code: "engine_unavailable", message: ENGINE_LOST_MESSAGE });
      client.close(CLOSE.ENGINE_UNAVAILABLE, "engine unavailable");
    }
    this.clients.clear();
  }

  private ensureProcess(): TerminalProcess {
    if (this.process) return this.process;
    const proc = this.opts.spawn(this.size);
    this.process = proc;
    this.paused = false;
    proc.onData((data) => this.onOutput(data));
    proc.onExit((exitCode, lost) => {
      if (this.process !== proc) return;
      this.process = undefined;
      if (lost) return this.engineLost();
      for (const client of this.clients.keys()) client.sendMessage({ type: "exit", exitCode });
    });
    return proc;
  }

  /** Output is gathered for one turn of the event loop and sent as one frame: fewer, larger frames. */
  private onOutput(data: Buffer): void {
    this.pending.push(data);
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.closed || this.pending.length === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.mirrorPending += chunk.length;
    this.mirror.write(chunk, () => {
      this.mirrorPending -= chunk.length;
      this.maybeResume();
    });
    for (const [client, state] of this.clients) {
      state.unacked += chunk.length;
      if (state.queue) state.queue.push(chunk);
      else client.sendOutput(chunk);
    }
    if (!this.paused && this.mustWait()) {
      this.paused = true;
      this.process?.pause();
      this.armStallTimer();
    }
  }

  private mustWait(): boolean {
    if (this.mirrorPending > MIRROR_PAUSE_ABOVE_BYTES) return true;
    for (const state of this.clients.values()) if (state.unacked > FLOW.PAUSE_ABOVE_BYTES) return true;
    return false;
  }

  private maybeResume(): void {
    if (!this.paused || this.mirrorPending >= MIRROR_RESUME_BELOW_BYTES) return;
    for (const state of this.clients.values()) if (state.unacked >= FLOW.RESUME_BELOW_BYTES) return;
    this.paused = false;
    clearTimeout(this.stallTimer);
    this.process?.resume();
  }

  private armStallTimer(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => this.dropStalled(), this.opts.stallTimeoutMs ?? 10_000);
  }

  /** One client that stopped acknowledging must not freeze the shell for the others. */
  private dropStalled(): void {
    for (const [client, state] of this.clients) {
      if (state.unacked >= FLOW.RESUME_BELOW_BYTES) {
        this.clients.delete(client);
        client.close(CLOSE.TOO_SLOW, "the terminal fell behind; reconnecting");
      }
    }
    this.maybeResume();
    if (this.paused) this.armStallTimer(); // the mirror is still catching up
  }
}
