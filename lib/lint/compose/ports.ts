/**
 * Published ports. Two containers cannot bind the same host port, address
 * and protocol: the second fails to start with "port is already allocated",
 * which only shows at `docker compose up`. The schema sees only strings.
 */
import { interpolated, isMapping, servicesOf, type Compose, type Finding } from "./finding";
import type { Path } from "./locate";

interface Binding {
  service: string;
  path: Path;
  /** "" for every address. */
  hostIp: string;
  first: number;
  last: number;
  protocol: string;
}

type Parsed = { ok: true; binding?: Omit<Binding, "service" | "path"> } | { ok: false; reason: string };

const PROTOCOLS = ["tcp", "udp", "sctp"];
const WILDCARDS = new Set(["", "0.0.0.0", "::", "[::]"]);

export function checkPorts(compose: Compose): Finding[] {
  const findings: Finding[] = [];
  const bindings: Binding[] = [];
  for (const [service, definition] of servicesOf(compose)) {
    if (!isMapping(definition) || !Array.isArray(definition.ports)) continue;
    definition.ports.forEach((entry, i) => {
      const path = ["services", service, "ports", i];
      const parsed = typeof entry === "string" ? parseShort(entry) : isMapping(entry) ? parseLong(entry) : { ok: true as const };
      if (!parsed.ok) {
        findings.push({ path, code: "invalid-port", message: `Invalid port mapping \`${String(entry)}\` in service \`${service}\`: ${parsed.reason}.` });
      } else if (parsed.binding) {
        const longSyntax = isMapping(entry) && entry.published !== undefined;
        bindings.push({ service, path: longSyntax ? [...path, "published"] : path, ...parsed.binding });
      }
    });
  }

  bindings.forEach((binding, i) => {
    const earlier = bindings.slice(0, i).find((other) => clash(other, binding));
    if (!earlier) return;
    const port = Math.max(binding.first, earlier.first);
    const what = `host port ${port}/${binding.protocol}${binding.hostIp && !WILDCARDS.has(binding.hostIp) ? ` on ${binding.hostIp}` : ""}`;
    findings.push({
      path: binding.path,
      code: "duplicate-host-port",
      message:
        earlier.service === binding.service
          ? (lineOf) => `Service \`${binding.service}\` publishes ${what} twice (also on line ${lineOf(earlier.path)}). Remove one, or publish another host port.`
          : (lineOf) =>
              `Services \`${earlier.service}\` (line ${lineOf(earlier.path)}) and \`${binding.service}\` both publish ${what}; the second would fail with "port is already allocated". Give one of them another host port.`,
    });
  });
  return findings;
}

function clash(a: Binding, b: Binding): boolean {
  if (a.protocol !== b.protocol || a.last < b.first || b.last < a.first) return false;
  return a.hostIp === b.hostIp || WILDCARDS.has(a.hostIp) || WILDCARDS.has(b.hostIp);
}

/** `[[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, ports or ranges `8000-8005`. */
export function parseShort(spec: string): Parsed {
  if (interpolated(spec)) return { ok: true };
  let rest = spec.trim();
  let protocol = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!PROTOCOLS.includes(protocol)) {
      return { ok: false, reason: `\`${protocol}\` is not a protocol Docker knows; use tcp, udp or sctp` };
    }
  }
  let hostIp = "";
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]:");
    if (close < 0) return { ok: false, reason: "an IPv6 host address in brackets must be followed by `:` and the ports" };
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(":");
  const container = parts.pop()!;
  const host = parts.pop();
  if (parts.length) hostIp = parts.join(":");
  const containerRange = portRange(container, "container");
  if (!containerRange.ok) return containerRange;
  if (host === undefined || host === "") return { ok: true };
  const hostRange = portRange(host, "host");
  if (!hostRange.ok) return hostRange;
  const [first, last] = hostRange.range;
  const containerCount = containerRange.range[1] - containerRange.range[0];
  if (last - first !== containerCount) {
    // `8000-8010:80` lets Docker pick one free port of the range: no fixed binding.
    if (containerCount === 0) return { ok: true };
    return { ok: false, reason: "the host and container ranges have different lengths" };
  }
  return { ok: true, binding: { hostIp, first, last, protocol } };
}

function parseLong(entry: Record<string, unknown>): Parsed {
  const published = entry.published;
  if (published === undefined || (typeof published === "string" && (published === "" || interpolated(published)))) return { ok: true };
  const range = portRange(String(published), "published");
  if (!range.ok) return range;
  const protocol = typeof entry.protocol === "string" ? entry.protocol.toLowerCase() : "tcp";
  const hostIp = typeof entry.host_ip === "string" ? entry.host_ip : "";
  return { ok: true, binding: { hostIp, first: range.range[0], last: range.range[1], protocol } };
}

function portRange(text: string, which: string): { ok: true; range: [number, number] } | { ok: false; reason: string } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) return { ok: false, reason: `the ${which} port \`${text}\` is not a number or a range like \`8000-8005\`` };
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  for (const port of [first, last]) {
    if (port < 1 || port > 65535) return { ok: false, reason: `${port} is out of range: ports go from 1 to 65535` };
  }
  if (last < first) return { ok: false, reason: `the range \`${text}\` ends before it starts` };
  return { ok: true, range: [first, last] };
}
