/**
 * Notices ports published in nodes within about a second. One small loop
 * runs in a node while someone is looking at its ports, and prints a
 * snapshot whenever it changes; the loop ends by itself after a while and
 * is started again only if someone still asks.
 */
import type { SandboxRuntime, CommandStream } from "../sessions/runtime";
import type { SessionManager } from "../sessions/manager";
import { parseSnapshot, type PublishedPort } from "./parse";

/** Inside the node: print listening sockets and containers' ports when they change. */
const SCRIPT = `last=
while :; do
  now=$(echo L; awk '$4=="0A"{print $2}' /proc/net/tcp /proc/net/tcp6 2>/dev/null; echo C; docker ps --format '{{.Names}}\t{{.Ports}}' 2>/dev/null)
  if [ "$now" != "$last" ]; then printf '%s\\nEND\\n' "$now"; last=$now; fi
  sleep 1
done`;

/** How long one loop runs in the node; how long interest lasts after the last question. */
const LOOP_SECONDS = 120;
const INTEREST_MS = 60_000;
const FIRST_SNAPSHOT_WAIT_MS = 5000;

interface Watch {
  ports: PublishedPort[];
  first: Promise<void>;
  lastAsked: number;
  stream?: CommandStream;
}

export class PortWatcher {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly runtime: Pick<SandboxRuntime, "stream">,
    private readonly manager: SessionManager,
  ) {
    manager.on("ended", (sessionId) => {
      for (const key of this.watches.keys()) if (key.startsWith(`${sessionId}/`)) this.stop(key);
    });
    manager.on("nodeRemoved", (sessionId, node) => this.stop(`${sessionId}/${node}`));
  }

  /** The node's published ports now. Control and watch ids both may look. */
  async list(id: string, node: string): Promise<PublishedPort[]> {
    const { sessionId } = this.manager.sessionOf(id);
    this.manager.nodeAddress(id, node); // the node exists and is ready
    const key = `${sessionId}/${node}`;
    let watch = this.watches.get(key);
    if (!watch) {
      watch = this.start(sessionId, node);
      this.watches.set(key, watch);
    }
    watch.lastAsked = Date.now();
    await Promise.race([watch.first, new Promise((r) => setTimeout(r, FIRST_SNAPSHOT_WAIT_MS))]);
    return watch.ports;
  }

  private start(sessionId: string, node: string, previous?: Watch): Watch {
    let resolveFirst!: () => void;
    const watch: Watch = previous ?? { ports: [], first: new Promise<void>((r) => (resolveFirst = r)), lastAsked: Date.now() };
    if (previous) resolveFirst = () => {};
    let buffer = "";
    const key = `${sessionId}/${node}`;
    watch.stream = this.runtime.stream(
      sessionId,
      node,
      ["timeout", String(LOOP_SECONDS), "sh", "-c", SCRIPT],
      (chunk) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\nEND\n"); end >= 0; end = buffer.indexOf("\nEND\n")) {
          watch.ports = parseSnapshot(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          resolveFirst();
        }
        if (buffer.length > 1024 * 1024) buffer = ""; // never grows without bound
      },
      () => {
        resolveFirst();
        if (this.watches.get(key) !== watch) return;
        if (Date.now() - watch.lastAsked < INTEREST_MS) {
          // Still wanted: start again, a little later if it ended at once (node stopping).
          setTimeout(() => this.watches.get(key) === watch && this.start(sessionId, node, watch), 1000).unref();
        } else this.watches.delete(key);
      },
    );
    return watch;
  }

  private stop(key: string): void {
    const watch = this.watches.get(key);
    this.watches.delete(key);
    watch?.stream?.stop();
  }

  stopAll(): void {
    for (const key of [...this.watches.keys()]) this.stop(key);
  }
}
