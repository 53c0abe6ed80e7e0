/**
 * Image references as Docker parses them (the distribution "reference"
 * grammar), checked piece by piece so that the answer says which piece is
 * wrong:
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component *( "/" path-component )
 *   domain     := host [ ":" port ]          host: DNS labels, or [IPv6]
 *   path-component := [a-z0-9]+ *( separator [a-z0-9]+ ),  separator := "." | "_" | "__" | "-"+
 *   tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
 *   digest     := algorithm ":" hex{32,}      algorithm := [A-Za-z][A-Za-z0-9]* *( [+._-] [A-Za-z][A-Za-z0-9]* )
 *
 * The first component is a domain only if it has a "." or ":" or is
 * "localhost", as in Docker's own parser (which also takes one with capitals
 * for a host; here that is reported as a name that must be lower-case).
 */
import { interpolated, isMapping, servicesOf, type Compose, type Finding } from "./finding";

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME_LENGTH = 255;

/** Why `reference` is not a valid image reference, or undefined if it is. */
export function imageReferenceProblem(reference: string): string | undefined {
  if (reference === "") return "the image name is empty";
  if (/\s/.test(reference)) return "it contains a space; an image reference has none";
  if (reference.replace(/^\[[^\]]*\]/, "").includes("::")) return "`::` is not allowed; the tag follows a single colon, as in `nginx:1.27`";

  let rest = reference;
  const at = rest.indexOf("@");
  if (at >= 0) {
    const digest = rest.slice(at + 1);
    if (!DIGEST.test(digest)) {
      return `the digest \`${digest}\` is not valid: it looks like \`sha256:\` followed by 64 hexadecimal digits`;
    }
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    const tag = rest.slice(colon + 1);
    if (tag === "") return "the tag after `:` is empty; write one (`nginx:1.27`) or drop the colon";
    if (!TAG.test(tag)) {
      return `the tag \`${tag}\` is not valid: a tag has up to 128 letters, digits, \`_\`, \`.\` and \`-\`, and does not start with \`.\` or \`-\``;
    }
    rest = rest.slice(0, colon);
  }
  if (rest === "") return "the repository name is missing";
  if (rest.length > MAX_NAME_LENGTH) return `the repository name is longer than ${MAX_NAME_LENGTH} characters`;

  const components = rest.split("/");
  const first = components[0]!;
  // Docker would take `Foo/bar` for image `bar` on a registry host named Foo:
  // never what was meant.
  if (components.length > 1 && !/[.:]/.test(first) && first !== first.toLowerCase()) {
    return `repository names must be lower-case: write \`${lowerCaseName(reference)}\``;
  }
  if (components.length > 1 && (/[.:]/.test(first) || first === "localhost")) {
    const problem = domainProblem(first);
    if (problem) return problem;
    components.shift();
  }
  for (const component of components) {
    if (component === "") return "it has an empty part between slashes";
    if (PATH_COMPONENT.test(component)) continue;
    if (PATH_COMPONENT.test(component.toLowerCase())) {
      return `repository names must be lower-case: write \`${lowerCaseName(reference)}\``;
    }
    return `\`${component}\` is not a valid repository name part: use lower-case letters and digits, separated by \`.\`, \`_\`, \`__\` or \`-\``;
  }
  return undefined;
}

function domainProblem(domain: string): string | undefined {
  const portAt = domain.startsWith("[") ? domain.indexOf("]:") + 1 : domain.lastIndexOf(":");
  const host = portAt > 0 ? domain.slice(0, portAt) : domain;
  const port = portAt > 0 ? domain.slice(portAt + 1) : undefined;
  if (port !== undefined && !/^\d+$/.test(port)) return `the registry port \`${port}\` is not a number`;
  if (host.startsWith("[")) {
    return /^\[[0-9a-fA-F:.]+\]$/.test(host) ? undefined : `the registry address \`${host}\` is not valid`;
  }
  if (!host.split(".").every((label) => DOMAIN_LABEL.test(label))) {
    return `the registry name \`${host}\` is not valid: use letters, digits and \`-\` between dots`;
  }
  return undefined;
}

/** The reference with its repository part lower-cased (the tag keeps its case). */
function lowerCaseName(reference: string): string {
  const tagAt = reference.search(/:[^/]*$/);
  const end = tagAt >= 0 ? tagAt : reference.indexOf("@") >= 0 ? reference.indexOf("@") : reference.length;
  return reference.slice(0, end).toLowerCase() + reference.slice(end);
}

/** `image:` of every service. */
export function checkImages(compose: Compose): Finding[] {
  const findings: Finding[] = [];
  for (const [service, definition] of servicesOf(compose)) {
    const image = isMapping(definition) ? definition.image : undefined;
    if (typeof image !== "string" || interpolated(image)) continue;
    const problem = imageReferenceProblem(image);
    if (problem) {
      findings.push({
        path: ["services", service, "image"],
        code: "invalid-image",
        message: `\`${image}\` is not a valid image reference (service \`${service}\`): ${problem}. An image is written like \`nginx\`, \`nginx:1.27-alpine\` or \`registry.example.com/team/app:1.0\`.`,
      });
    }
  }
  return findings;
}
