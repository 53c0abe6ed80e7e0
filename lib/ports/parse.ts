/**
 * Reads what a node publishes: TCP sockets listening in the node, and the
 * host ports of its containers. Pure functions over the text the watcher
 * script prints (see watcher.ts); no Docker, no HTTP.
 */

export type PortSource = "container" | "process";

export interface PublishedPort {
  port: number;
  source: PortSource;
  /** The container that publishes it, for container ports. */
  container?: string;
}

/** The node's own services: its engine's API and swarm's control ports. */
export const INTERNAL_PORTS = new Set([2375, 2377, 7946]);

/**
 * A snapshot: "L", the local_address column of listening sockets from
 * /proc/net/tcp and tcp6 (one per line), then "C", then `docker ps` lines
 * of NAME<TAB>PORTS.
 */
export function parseSnapshot(text: string): PublishedPort[] {
  const lines = text.split("\n").map((l) => l.trimEnd());
  const c = lines.indexOf("C");
  const listening = new Set<number>();
  for (const line of lines.slice(lines.indexOf("L") + 1, c < 0 ? undefined : c)) {
    const port = listeningPort(line.trim());
    if (port !== undefined) listening.add(port);
  }
  const result = new Map<number, PublishedPort>();
  for (const line of c < 0 ? [] : lines.slice(c + 1)) {
    const [name, ports = ""] = line.split("\t");
    for (const port of containerPorts(ports)) {
      if (!result.has(port)) result.set(port, { port, source: "container", container: name });
    }
  }
  for (const port of listening) {
    if (!result.has(port) && !INTERNAL_PORTS.has(port)) result.set(port, { port, source: "process" });
  }
  return [...result.values()].sort((a, b) => a.port - b.port);
}

/**
 * The port of a /proc/net/tcp local address ("0100007F:1F90" or 32 hex
 * digits for IPv6), or undefined for sockets nobody outside the node can
 * reach: loopback, and link-local 169.254/16 (the node's resolver for its
 * inner containers listens on 169.254.53.53:53, an address on its `lo`).
 */
export function listeningPort(address: string): number | undefined {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(address);
  if (!m) return undefined;
  const [, ip, hexPort] = m as unknown as [string, string, string];
  const port = parseInt(hexPort, 16);
  if (port === 0) return undefined;
  const hex = ip.toUpperCase();
  const v4 = hex.length === 8 ? hex : hex.startsWith("0000000000000000FFFF0000") ? hex.slice(24) : undefined;
  // IPv4 is stored little-endian: 127.x.x.x ends in 7F, 169.254.x.x in FEA9.
  if (v4 && (v4.endsWith("7F") || v4.endsWith("FEA9"))) return undefined;
  if (ip === "00000000000000000000000001000000") return undefined; // ::1
  return port;
}

/** Host ports in a `docker ps` PORTS column: "0.0.0.0:8080->80/tcp, :::8080->80/tcp". TCP only. */
export function containerPorts(column: string): number[] {
  const ports: number[] = [];
  for (const m of column.matchAll(/:(\d+)(?:-(\d+))?->\d+(?:-\d+)?\/tcp/g)) {
    const first = Number(m[1]);
    const last = m[2] ? Math.min(Number(m[2]), first + 99) : first;
    for (let p = first; p <= last; p++) if (!ports.includes(p)) ports.push(p);
  }
  return ports;
}
