/**
 * The info string of a lesson's code block: a language, then flags that say
 * what a click does. Shared by the loader (validation, replay) and the page.
 *
 *   ```bash run                  type it into the terminal
 *   ```bash run node=node2       ... of node2
 *   ```dockerfile file=/root/app/Dockerfile   write it to that file
 *   ```text copy                 copy only (also what a block without flags gets)
 *   ```bash run noreplay         the replay test leaves it out
 *
 * Inline commands from Killercoda lessons become links: `#run:NODE:TEXT` and
 * `#copy::TEXT`, TEXT URI-encoded.
 */

export interface BlockInfo {
  lang?: string;
  kind: "run" | "copy" | "file";
  node?: string;
  path?: string;
  interrupt: boolean;
  replay: boolean;
  /** Problems for the lesson's author; empty when the info string is fine. */
  errors: string[];
}

const NODE = /^node[1-9]$/;

export function parseInfo(lang: string | null | undefined, meta: string | null | undefined): BlockInfo {
  const words = [lang ?? "", ...(meta ?? "").split(/\s+/)].filter(Boolean);
  const info: BlockInfo = { kind: "copy", interrupt: false, replay: true, errors: [] };
  const kinds = new Set<string>();
  words.forEach((word, i) => {
    const [key, value] = word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
    if (key === "run" || key === "copy") kinds.add(key);
    else if (key === "noreplay") info.replay = false;
    else if (key === "interrupt") info.interrupt = true;
    else if (key === "file") {
      kinds.add("file");
      if (!value || !value.startsWith("/") || value.includes("\0")) info.errors.push(`file= needs an absolute path, got "${value ?? ""}"`);
      else info.path = value;
    } else if (key === "node") {
      if (!value || !NODE.test(value)) info.errors.push(`node= needs node1..node9, got "${value ?? ""}"`);
      else info.node = value;
    } else if (i === 0 && value === undefined) info.lang = word;
    else info.errors.push(`unknown flag "${word}" (known: run, copy, file=/path, node=nodeN, noreplay, interrupt)`);
  });
  if (kinds.size > 1) info.errors.push(`choose one of run, copy and file=, not ${[...kinds].join(" and ")}`);
  info.kind = kinds.has("run") ? "run" : kinds.has("file") ? "file" : "copy";
  return info;
}

/** An inline action link's target, e.g. `#run:node1:docker%20ps`. */
export function actionHref(kind: "run" | "copy", text: string, node = ""): string {
  return `#${kind}:${node}:${encodeURIComponent(text)}`;
}

export function parseActionHref(href: string | undefined): { kind: "run" | "copy"; node?: string; text: string } | undefined {
  const m = /^#(run|copy):(node[1-9])?:(.*)$/s.exec(href ?? "");
  if (!m) return undefined;
  try {
    return { kind: m[1] as "run" | "copy", node: m[2] || undefined, text: decodeURIComponent(m[3]!) };
  } catch {
    return undefined;
  }
}
