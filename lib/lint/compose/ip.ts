/**
 * IPv4 and IPv6 addresses and CIDR subnets, parsed strictly enough to say
 * what is wrong with one ("268 is not a valid octet"). Addresses are held as
 * bigints so that both families share the arithmetic.
 */

export interface Ip {
  family: 4 | 6;
  value: bigint;
}

export interface Cidr {
  ip: Ip;
  prefix: number;
  /** First and last address of the subnet. */
  first: bigint;
  last: bigint;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const bits = (family: 4 | 6) => (family === 4 ? 32 : 128);

export function parseIp(text: string): Parsed<Ip> {
  if (text.includes(":")) return parseIpv6(text);
  const v4 = parseIpv4(text);
  return v4.ok ? { ok: true, value: { family: 4, value: v4.value } } : v4;
}

function parseIpv4(text: string): Parsed<bigint> {
  const parts = text.split(".");
  if (parts.length !== 4) {
    return { ok: false, reason: "an IPv4 address is four numbers from 0 to 255 separated by dots, like 192.168.1.10" };
  }
  let value = 0n;
  for (const part of parts) {
    if (part === "") return { ok: false, reason: "one of its four numbers is missing" };
    if (!/^\d+$/.test(part)) return { ok: false, reason: `${part} is not a number (each part is 0–255)` };
    if (Number(part) > 255) return { ok: false, reason: `${part} is not a valid octet (0–255)` };
    if (part.length > 1 && part.startsWith("0")) return { ok: false, reason: `${part} has a leading zero, which Docker does not accept` };
    value = (value << 8n) | BigInt(part);
  }
  return { ok: true, value };
}

function parseIpv6(text: string): Parsed<Ip> {
  const halves = text.split("::");
  if (halves.length > 2) return { ok: false, reason: "`::` may appear only once in an IPv6 address" };
  const compressed = halves.length === 2;
  const head = words(halves[0]!, !compressed);
  if (!head.ok) return head;
  const tail = compressed ? words(halves[1]!, true) : { ok: true as const, value: [] };
  if (!tail.ok) return tail;
  const count = head.value.length + tail.value.length;
  if (!compressed && count !== 8) return { ok: false, reason: `an IPv6 address has 8 groups, this one has ${count}` };
  if (compressed && count > 7) return { ok: false, reason: "it has too many groups for `::` to stand for any" };
  const all = [...head.value, ...Array<bigint>(8 - count).fill(0n), ...tail.value];
  return { ok: true, value: { family: 6, value: all.reduce((acc, w) => (acc << 16n) | w, 0n) } };
}

/** The 16-bit groups of one side of `::`; an IPv4 ending counts as two. */
function words(text: string, ipv4Ending: boolean): Parsed<bigint[]> {
  if (text === "") return { ok: true, value: [] };
  const groups = text.split(":");
  const result: bigint[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (ipv4Ending && i === groups.length - 1 && group.includes(".")) {
      const v4 = parseIpv4(group);
      if (!v4.ok) return { ok: false, reason: `its IPv4 ending ${group} is not valid: ${v4.reason}` };
      result.push(v4.value >> 16n, v4.value & 0xffffn);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      result.push(BigInt(`0x${group}`));
    } else {
      const reason = group === "" ? "it has an empty group between colons" : `${group} is not a valid IPv6 group (1 to 4 hexadecimal digits)`;
      return { ok: false, reason };
    }
  }
  return { ok: true, value: result };
}

export function parseCidr(text: string): Parsed<Cidr> {
  const slash = text.indexOf("/");
  if (slash < 0) return { ok: false, reason: "a subnet needs a prefix length after a slash, like 192.168.100.0/24" };
  const ip = parseIp(text.slice(0, slash));
  if (!ip.ok) return ip;
  const { family } = ip.value;
  const prefixText = text.slice(slash + 1);
  const max = bits(family);
  if (!/^\d+$/.test(prefixText) || Number(prefixText) > max) {
    return { ok: false, reason: `/${prefixText} is not a valid prefix length: an IPv${family} prefix is 0 to ${max}` };
  }
  const prefix = Number(prefixText);
  const hostBits = BigInt(max - prefix);
  const first = (ip.value.value >> hostBits) << hostBits;
  return { ok: true, value: { ip: ip.value, prefix, first, last: first + (1n << hostBits) - 1n } };
}

export const contains = (cidr: Cidr, ip: Ip) => cidr.ip.family === ip.family && ip.value >= cidr.first && ip.value <= cidr.last;

/** Every address of `inner` is in `outer`. */
export const within = (outer: Cidr, inner: Cidr) =>
  outer.ip.family === inner.ip.family && inner.first >= outer.first && inner.last <= outer.last;

export function formatIp(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  const words = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  // Shorten the longest run of zero groups (two or more) to `::`.
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === "0") j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j > i ? j : i + 1;
  }
  if (best.at < 0) return words.join(":");
  return `${words.slice(0, best.at).join(":")}::${words.slice(best.at + best.length).join(":")}`;
}

/** "10.0.0.0/24" for the network the subnet's address belongs to. */
export const networkOf = (cidr: Cidr) => `${formatIp(cidr.ip.family, cidr.first)}/${cidr.prefix}`;

/** "10.0.0.0 – 10.0.0.255". */
export const rangeOf = (cidr: Cidr) => `${formatIp(cidr.ip.family, cidr.first)} – ${formatIp(cidr.ip.family, cidr.last)}`;
