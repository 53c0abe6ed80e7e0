/**
 * Names that must be declared elsewhere in the file: networks, volumes,
 * secrets and configs used by services, and the services named in
 * depends_on. With a top-level `include`, other files may declare them, so
 * undeclared names are not reported then.
 */
import { didYouMean } from "../suggest";
import { entriesOf, interpolated, isMapping, servicesOf, type Compose, type Finding } from "./finding";

export function checkReferences(compose: Compose): Finding[] {
  const findings: Finding[] = [];
  const included = compose.include !== undefined;
  const declared = (key: string) => new Set(entriesOf(compose[key]).map(([name]) => name));
  const networks = declared("networks").add("default");
  const volumes = declared("volumes");
  const secrets = declared("secrets");
  const configs = declared("configs");
  const services = declared("services");

  for (const [service, definition] of servicesOf(compose)) {
    if (!isMapping(definition)) continue;
    const at = ["services", service];
    const undeclared = (kind: string, top: string, name: string, path: (string | number)[], part: "key" | "value", example: string, extra = "") => {
      if (included || interpolated(name)) return;
      const known = { network: networks, volume: volumes, secret: secrets, config: configs }[kind]!;
      if (known.has(name)) return;
      findings.push({
        path,
        part,
        code: `undeclared-${kind}`,
        message: `Service \`${service}\` uses ${kind} \`${name}\`, which is not declared.${didYouMean(name, known)} Declare it under the top-level \`${top}:\` key, e.g. \`${top}: { ${name}: ${example} }\`${extra}.`,
      });
    };

    const serviceNetworks = definition.networks;
    if (Array.isArray(serviceNetworks)) {
      serviceNetworks.forEach((name, i) => typeof name === "string" && undeclared("network", "networks", name, [...at, "networks", i], "value", "{}"));
    } else {
      for (const [name] of entriesOf(serviceNetworks)) undeclared("network", "networks", name, [...at, "networks", name], "key", "{}");
    }

    if (Array.isArray(definition.volumes)) {
      definition.volumes.forEach((mount, i) => {
        const name = namedVolume(mount);
        if (name === undefined) return;
        const path = typeof mount === "string" ? [...at, "volumes", i] : [...at, "volumes", i, "source"];
        undeclared("volume", "volumes", name, path, "value", "{}", `, or start the source with \`./\` to mount a folder of the project instead`);
      });
    }

    const uses = (kind: "secret" | "config", list: unknown, path: (string | number)[]) => {
      if (!Array.isArray(list)) return;
      list.forEach((item, i) => {
        const example = kind === "secret" ? `{ file: ./${kind}.txt }` : `{ file: ./${kind}.conf }`;
        if (typeof item === "string") undeclared(kind, `${kind}s`, item, [...path, i], "value", example);
        else if (isMapping(item) && typeof item.source === "string") undeclared(kind, `${kind}s`, item.source, [...path, i, "source"], "value", example);
      });
    };
    uses("secret", definition.secrets, [...at, "secrets"]);
    uses("config", definition.configs, [...at, "configs"]);
    if (isMapping(definition.build)) uses("secret", definition.build.secrets, [...at, "build", "secrets"]);

    const dependencies: [string, (string | number)[], "key" | "value"][] = Array.isArray(definition.depends_on)
      ? definition.depends_on.flatMap((name, i) => (typeof name === "string" ? [[name, [...at, "depends_on", i], "value"] as const] : []))
      : entriesOf(definition.depends_on).map(([name]) => [name, [...at, "depends_on", name], "key"]);
    for (const [name, path, part] of dependencies) {
      if (name === service) {
        findings.push({ path, part, code: "self-dependency", message: `Service \`${service}\` depends on itself. Remove \`${name}\` from its \`depends_on\`.` });
      } else if (!services.has(name) && !included) {
        findings.push({
          path,
          part,
          code: "unknown-service",
          message: `Service \`${service}\` depends on \`${name}\`, which is not a service in this file.${didYouMean(name, services)} \`depends_on\` names other services of the file: ${[...services].filter((s) => s !== service).map((s) => `\`${s}\``).join(", ") || "there are none"}.`,
        });
      }
    }
  }
  findings.push(...dependencyCycles(compose));
  return findings;
}

/**
 * The named volume a service's mount uses, if it uses one. Short syntax
 * `name:/path[:mode]`; a source starting with `.`, `/` or `~` (or a Windows
 * drive) is a folder of the host, and a lone `/path` is an anonymous volume.
 * Long syntax: `type: volume` with a `source`.
 */
export function namedVolume(mount: unknown): string | undefined {
  let source: unknown;
  if (typeof mount === "string") {
    const parts = mount.split(":");
    if (parts.length < 2) return undefined;
    source = parts[0];
  } else if (isMapping(mount) && mount.type === "volume") {
    source = mount.source;
  }
  if (typeof source !== "string" || source === "") return undefined;
  if (/^[./~\\]/.test(source) || /^[A-Za-z]$/.test(source) || source.includes("/")) return undefined;
  return source;
}

/** depends_on loops, which Compose refuses ("dependency cycle detected"); each reported once. */
function dependencyCycles(compose: Compose): Finding[] {
  const edges = new Map<string, string[]>();
  for (const [service, definition] of servicesOf(compose)) {
    const deps = isMapping(definition) ? definition.depends_on : undefined;
    const names = Array.isArray(deps) ? deps.filter((d): d is string => typeof d === "string") : entriesOf(deps).map(([n]) => n);
    edges.set(service, names.filter((n) => n !== service));
  }
  const findings: Finding[] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (service: string) => {
    state.set(service, "visiting");
    stack.push(service);
    for (const next of edges.get(service) ?? []) {
      if (state.get(next) === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const depends = compose.services as Record<string, { depends_on: unknown }>;
        const list = depends[service]!.depends_on;
        const path = Array.isArray(list) ? ["services", service, "depends_on", list.indexOf(next)] : ["services", service, "depends_on", next];
        findings.push({
          path,
          part: Array.isArray(list) ? "value" : "key",
          code: "dependency-cycle",
          message: `These services depend on each other in a circle: ${cycle.map((s) => `\`${s}\``).join(" → ")}. Compose cannot tell which to start first; remove one of these \`depends_on\` entries.`,
        });
      } else if (!state.has(next) && edges.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(service, "done");
  };
  for (const service of edges.keys()) if (!state.has(service)) visit(service);
  return findings;
}
