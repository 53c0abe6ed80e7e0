/**
 * IP addresses and subnets, which the schema only knows as strings: the IPAM
 * blocks of networks and the static addresses of services.
 */
import { contains, networkOf, parseCidr, parseIp, rangeOf, within, type Cidr } from "./ip";
import { entriesOf, interpolated, isMapping, servicesOf, type Compose, type Finding } from "./finding";

export function checkAddresses(compose: Compose): Finding[] {
  const findings: Finding[] = [];
  const subnetsByNetwork = new Map<string, Cidr[]>();

  for (const [network, definition] of entriesOf(compose.networks)) {
    const subnets: Cidr[] = [];
    subnetsByNetwork.set(network, subnets);
    const configs = isMapping(definition) && isMapping(definition.ipam) ? definition.ipam.config : undefined;
    if (!Array.isArray(configs)) continue;
    configs.forEach((config, i) => {
      if (!isMapping(config)) return;
      const at = ["networks", network, "ipam", "config", i];
      const subnet = cidrField(config, "subnet", [...at, "subnet"], `network \`${network}\``, findings);
      if (subnet) subnets.push(subnet);
      const range = cidrField(config, "ip_range", [...at, "ip_range"], `network \`${network}\``, findings);
      if (subnet && range && !within(subnet, range)) {
        findings.push({
          path: [...at, "ip_range"],
          code: "ip-range-outside-subnet",
          message: `ip_range \`${config.ip_range}\` of network \`${network}\` is not inside its subnet \`${config.subnet}\` (${rangeOf(subnet)}). Pick a range within the subnet, such as \`${networkOf(subnet)}\`.`,
        });
      }
      const addresses: [string, unknown, (string | number)[]][] = [["gateway", config.gateway, [...at, "gateway"]]];
      for (const [name, value] of entriesOf(config.aux_addresses)) addresses.push([`aux address \`${name}\``, value, [...at, "aux_addresses", name]]);
      for (const [label, value, path] of addresses) {
        if (typeof value !== "string" || interpolated(value)) continue;
        const ip = parseIp(value);
        if (!ip.ok) {
          findings.push({ path, code: "invalid-ip-address", message: `Invalid ${label} \`${value}\` in network \`${network}\`: ${ip.reason}.` });
        } else if (subnet && !contains(subnet, ip.value)) {
          const why = subnet.ip.family === ip.value.family ? `(${rangeOf(subnet)})` : `(one is IPv${ip.value.family}, the other IPv${subnet.ip.family})`;
          findings.push({
            path,
            code: label === "gateway" ? "gateway-outside-subnet" : "address-outside-subnet",
            message: `The ${label} \`${value}\` of network \`${network}\` is not inside its subnet \`${config.subnet}\` ${why}. Pick an address within the subnet.`,
          });
        }
      }
    });
  }

  for (const [service, definition] of servicesOf(compose)) {
    if (!isMapping(definition)) continue;
    for (const [network, options] of entriesOf(definition.networks)) {
      if (!isMapping(options)) continue;
      for (const family of [4, 6] as const) {
        const key = `ipv${family}_address`;
        const value = options[key];
        if (typeof value !== "string" || interpolated(value)) continue;
        const path = ["services", service, "networks", network, key];
        const where = `of service \`${service}\` on network \`${network}\``;
        const ip = parseIp(value);
        if (!ip.ok) {
          findings.push({ path, code: "invalid-ip-address", message: `Invalid ${key} \`${value}\` ${where}: ${ip.reason}.` });
          continue;
        }
        if (ip.value.family !== family) {
          findings.push({ path, code: "invalid-ip-address", message: `${key} \`${value}\` ${where} is an IPv${ip.value.family} address; ${key} takes an IPv${family} one.` });
          continue;
        }
        const subnets = subnetsByNetwork.get(network)?.filter((s) => s.ip.family === family);
        if (!subnets?.length) continue;
        if (!subnets.some((s) => contains(s, ip.value))) {
          const list = subnets.map((s) => `\`${networkOf(s)}\``).join(", ");
          findings.push({
            path,
            code: "address-outside-subnet",
            message: `${key} \`${value}\` ${where} is not inside the network's subnet ${list}; the container would not start. Pick an address within ${subnets.length > 1 ? "one of them" : "it"}.`,
          });
        }
      }
    }
  }
  return findings;
}

/** A subnet-like field: reported if invalid, returned if valid. */
function cidrField(config: Record<string, unknown>, key: "subnet" | "ip_range", path: (string | number)[], owner: string, findings: Finding[]): Cidr | undefined {
  const value = config[key];
  if (typeof value !== "string" || interpolated(value)) return undefined;
  const cidr = parseCidr(value);
  if (!cidr.ok) {
    findings.push({
      path,
      code: "invalid-subnet",
      message: `Invalid ${key} \`${value}\` in ${owner}: ${cidr.reason}. A subnet is written as a network address and a prefix length, like \`192.168.100.0/24\`.`,
    });
    return undefined;
  }
  if (cidr.value.ip.value !== cidr.value.first) {
    findings.push({
      path,
      severity: "warning",
      code: "subnet-host-bits",
      message: `The ${key} \`${value}\` in ${owner} has host bits set: the network it names is \`${networkOf(cidr.value)}\`. Docker expects the network address; write \`${networkOf(cidr.value)}\`.`,
    });
  }
  return cidr.value;
}
