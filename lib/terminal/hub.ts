/**
 * One shared shell and everyone watching it. Output goes to every client
 * and into a headless mirror, so that a client who joins late (or
 * reconnects) first gets the current screen, then live output.
 *
 * Flow control: each client acknowledges the bytes it has rendered. While any
 * client has more than FLOW.PAUSE_ABOVE_BYTES unacknowledged, the shell's
 * output is not read, so a flood (`yes`) backs up into the shell instead of
 * into memory, and Ctrl+C reaches it at once.
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
  /** Output that arrived while the client's snapshot was being made. */
  queue: Buffer[] | null;
  unacked: number;
}

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
  private stallTimer?: NodeJS.Timeout;
  private size = { cols: 80, rows: 24 };
  private closed = false;

  constructor(private readonly opts: HubOptions) {
    this.mirror = new Terminal({ ...this.size, scrollback: opts.scrollback ?? 1000, allowProposedApi: true });
    // The addon's types name the browser Terminal; the headless one has what it uses.
    this.mirror.loadAddon(this.serializer as unknown as Parameters<Terminal["loadAddon"]>[0]);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  attach(client: TerminalClient): void {
    if (this.closed) return client.close(CLOSE.SESSION_ENDED, "session ended");
    const state: ClientState = { queue: [], unacked: 0 };
    this.clients.set(client, state);
    this.ensureProcess();
    // Everything written to the mirror before this point is in the snapshot;
    // what arrives later is queued for this client and sent right after it.
    this.mirror.write("", () => {
      if (!this.clients.has(client)) return;
      client.sendMessage({ type: "snapshot", data: this.serializer.serialize({ scrollback: this.opts.scrollback ?? 1000 }) });
      const queued = state.queue ?? [];
      state.queue = null;
      for (const chunk of queued) this.deliver(client, state, chunk);
    });
  }

  detach(client: TerminalClient): void {
    this.clients.delete(client);
    this.maybeResume();
  }

  input(data: string): void {
    if (this.closed) return;
    this.ensureProcess().write(data);
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.mirror.resize(cols, rows);
    this.process?.resize(cols, rows);
  }

  ack(client: TerminalClient, bytes: number): void {
    const state = this.clients.get(client);
    if (!state) return;
    state.unacked = Math.max(0, state.unacked - bytes);
    this.maybeResume();
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

  private ensureProcess(): TerminalProcess {
    if (this.process) return this.process;
    const proc = this.opts.spawn(this.size);
    this.process = proc;
    this.paused = false;
    proc.onData((data) => this.onOutput(data));
    proc.onExit((exitCode) => {
      if (this.process !== proc) return;
      this.process = undefined;
      for (const client of this.clients.keys()) client.sendMessage({ type: "exit", exitCode });
    });
    return proc;
  }

  private onOutput(data: string): void {
    this.mirror.write(data);
    const chunk = Buffer.from(data, "utf8");
    for (const [client, state] of this.clients) {
      if (state.queue) state.queue.push(chunk);
      else this.deliver(client, state, chunk);
    }
  }

  private deliver(client: TerminalClient, state: ClientState, chunk: Buffer): void {
    client.sendOutput(chunk);
    state.unacked += chunk.length;
    if (state.unacked > FLOW.PAUSE_ABOVE_BYTES && !this.paused) {
      this.paused = true;
      this.process?.pause();
      this.stallTimer = setTimeout(() => this.dropStalled(), this.opts.stallTimeoutMs ?? 10_000);
    }
  }

  private maybeResume(): void {
    if (!this.paused) return;
    for (const state of this.clients.values()) if (state.unacked >= FLOW.RESUME_BELOW_BYTES) return;
    this.paused = false;
    clearTimeout(this.stallTimer);
    this.process?.resume();
  }

  /** One client that stopped acknowledging must not freeze the shell for the others. */
  private dropStalled(): void {
    for (const [client, state] of this.clients) {
      if (state.unacked > FLOW.PAUSE_ABOVE_BYTES) {
        this.clients.delete(client);
        client.close(CLOSE.TOO_SLOW, "the terminal fell behind; reconnecting");
      }
    }
    this.maybeResume();
  }
}
