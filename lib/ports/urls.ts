/**
 * Addresses of published ports. Each port of each node gets its own host
 * name, PORT-NODE-ID.<domain>, so that a proxied app has an origin of its
 * own (its cookies and scripts never mix with the playground's). Where the
 * page is not opened under that domain (an IP address, a name without
 * wildcard DNS), ports are served under /ports/ID/NODE/PORT/ instead.
 * ID is the session's watch id: a port link never grants control.
 */

export interface PortAddress {
  id: string;
  node: string;
  port: number;
}

const LABEL = /^([1-9][0-9]{0,4})-(node[1-9][0-9]?)-([a-z0-9]{24})$/;
const PATH = /^\/ports\/([a-z0-9]{24})\/(node[1-9][0-9]?)\/([1-9][0-9]{0,4})(\/.*)?$/;

const validPort = (n: number) => n >= 1 && n <= 65535;

/** Splits "name:port" and "[v6]:port" Host headers. */
function splitHost(host: string): { hostname: string; port: string } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  return { hostname: m?.[1] ?? "", port: m?.[2] ?? "" };
}

/** The port an incoming Host header names, if it is one of ours. */
export function parsePortHost(host: string | undefined, domain: string): PortAddress | undefined {
  if (!host) return undefined;
  const { hostname } = splitHost(host);
  if (!hostname.endsWith(`.${domain}`)) return undefined;
  const m = LABEL.exec(hostname.slice(0, -(domain.length + 1)));
  if (!m || !validPort(Number(m[1]))) return undefined;
  return { port: Number(m[1]), node: m[2]!, id: m[3]! };
}

/** The port a /ports/... path names, and the path to pass on (at least "/"); rest is undefined without a slash after the port. */
export function parsePortPath(pathname: string): (PortAddress & { rest: string | undefined }) | undefined {
  const m = PATH.exec(pathname);
  if (!m || !validPort(Number(m[3]))) return undefined;
  return { id: m[1]!, node: m[2]!, port: Number(m[3]), rest: m[4] };
}

/** The link for a port, as seen from a page served at `requestHost` over `protocol` ("http:" or "https:"). */
export function portUrl(a: PortAddress, requestHost: string, protocol: string, domain: string): string {
  const { hostname, port } = splitHost(requestHost);
  if (hostname === domain || hostname.endsWith(`.${domain}`)) {
    return `${protocol}//${a.port}-${a.node}-${a.id}.${domain}${port ? `:${port}` : ""}/`;
  }
  return `/ports/${a.id}/${a.node}/${a.port}/`;
}
