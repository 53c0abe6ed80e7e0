/**
 * Session networks' subnets, cut from SESSION_SUBNETS by the playground
 * itself when the engine's own address pools are not the playground's
 * (NODE_ISOLATION=none: the host's engine, whose default pools hold about
 * 30 networks and are shared with everything else on the host).
 */

/** Each session network is a /26: 62 addresses, for the gateway, the registry and the session's nodes. */
export const SESSION_SUBNET_PREFIX = 26;

interface Range {
  start: number;
  size: number;
}

function parse(cidr: string): Range | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  return { start: address - (address % size), size };
}

function format(address: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}

/** How many session subnets an IPv4 range such as 10.213.0.0/16 holds. */
export function subnetsIn(range: string): number {
  const prefix = Number(range.split("/")[1]);
  return prefix > SESSION_SUBNET_PREFIX ? 0 : 2 ** (SESSION_SUBNET_PREFIX - prefix);
}

/**
 * The first session subnet of `range` that overlaps none of `taken` (any
 * IPv4 CIDRs: other networks' subnets; others are ignored), or undefined
 * when the range is full.
 */
export function freeSubnet(range: string, taken: Iterable<string>): string | undefined {
  const whole = parse(range);
  if (!whole) return undefined;
  const size = 2 ** (32 - SESSION_SUBNET_PREFIX);
  const busy = [...taken].map(parse).filter((r): r is Range => !!r && r.start < whole.start + whole.size && r.start + r.size > whole.start);
  busy.sort((a, b) => a.start - b.start);
  let candidate = whole.start;
  for (const r of busy) {
    if (candidate + size <= r.start) break;
    // Past this one, on the next boundary of a session subnet.
    candidate = Math.max(candidate, Math.ceil((r.start + r.size) / size) * size);
  }
  return candidate + size <= whole.start + whole.size ? format(candidate, SESSION_SUBNET_PREFIX) : undefined;
}
