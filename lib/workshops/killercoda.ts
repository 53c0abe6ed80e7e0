/**
 * Killercoda scenarios, loaded as they are: index.json with intro, steps
 * (text, verify, background, foreground) and finish, plus assets. Their
 * markdown markers become the playground's own:
 *
 *   ```...```{{exec}}     -> a `run` block   (`{{execute}}` too; `interrupt` sends Ctrl+C first)
 *   ```...```{{copy}}     -> a `copy` block
 *   `cmd`{{exec}}         -> an inline run link (see info.ts)
 *   HOST2 / host02 / node01 in a marker -> node2
 *
 * Their machines are Ubuntu or Kubernetes VMs; ours are Debian with Docker,
 * so a scenario written for Docker runs, one needing Kubernetes does not.
 */
import { readFile } from "node:fs/promises";
import { join, normalize, posix } from "node:path";
import { z } from "zod";
import { actionsOf } from "./blocks";
import { actionHref } from "./info";
import { LessonError } from "./native";
import { LEVELS, type Asset, type Level, type Step, type Workshop } from "./types";

export const INDEX = "index.json";

const file = z.string().min(1).max(300);
const part = z.object({ title: z.string().optional(), text: file.optional(), background: file.optional(), foreground: file.optional() }).passthrough();
const index = z
  .object({
    title: z.string().trim().min(1).max(120),
    description: z.string().max(1000).optional(),
    difficulty: z.string().optional(),
    time: z.string().optional(),
    details: z
      .object({
        intro: part.optional(),
        steps: z.array(part.extend({ title: z.string().optional(), text: file, verify: file.optional(), hint: file.optional() })).min(1).max(100),
        finish: z.object({ text: file.optional() }).passthrough().optional(),
        assets: z.record(z.string(), z.array(z.object({ file: file, target: z.string().min(1), chmod: z.string().optional() }).passthrough())).optional(),
      })
      .passthrough(),
    backend: z.object({ imageid: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

/** host01, HOST1, node01 (Kubernetes' worker) ... as our node names. */
function nodeOf(host: string | undefined): string | undefined {
  const m = /^(?:host|node)0*(\d+)$/i.exec(host ?? "");
  if (!m) return undefined;
  const n = Number(m[1]) + (/^node/i.test(host!) ? 1 : 0);
  return n >= 1 && n <= 5 ? `node${n}` : undefined;
}

/** Rewrites Killercoda's markers into the playground's code block flags and links. */
export function convertMarkdown(text: string): string {
  const flags = (marker: string, rest: string) => {
    const words = rest.trim().split(/\s+/).filter(Boolean);
    const node = words.map(nodeOf).find(Boolean);
    const kind = marker === "copy" ? "copy" : "run";
    return [kind, node && `node=${node}`, words.some((w) => w.toLowerCase() === "interrupt") && "interrupt"].filter(Boolean).join(" ");
  };
  // Fenced blocks, line by line: the marker sits on the closing fence, the flags go on the opening one.
  const lines = text.split("\n");
  let open = -1;
  lines.forEach((line, i) => {
    const fence = /^([ \t]*)```(.*)$/.exec(line);
    if (!fence) return;
    if (open < 0) {
      open = i;
      return;
    }
    const marker = /^\{\{(exec|execute|copy)([^}]*)\}\}\s*$/.exec(fence[2]!);
    if (marker) {
      const opening = /^([ \t]*)```\s*(\S*)/.exec(lines[open]!)!;
      lines[open] = `${opening[1]}\`\`\`${opening[2] || "bash"} ${flags(marker[1]!, marker[2]!)}`;
      lines[i] = `${fence[1]}\`\`\``;
    }
    open = -1;
  });
  return lines
    .join("\n")
    .replace(/`([^`\n]+)`\{\{(exec|execute|copy)([^}]*)\}\}/g, (_m, cmd: string, marker: string, rest: string) => {
      const node = rest.trim().split(/\s+/).map(nodeOf).find(Boolean);
      return `[\`${cmd}\`](${actionHref(marker === "copy" ? "copy" : "run", cmd, node)})`;
    })
    .replace(/\{\{open\}\}/g, "");
}

function minutes(time: string | undefined): number {
  const m = /(\d+)\s*(h|m)?/i.exec(time ?? "");
  if (!m) return 15;
  const n = Number(m[1]) * (m[2]?.toLowerCase() === "h" ? 60 : 1);
  return Math.min(600, Math.max(1, n));
}

export async function loadKillercoda(dir: string, slug: string): Promise<Workshop> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, INDEX), "utf8"));
  } catch (e) {
    throw new LessonError([`${INDEX}: ${(e as Error).message}`]);
  }
  const parsed = index.safeParse(raw);
  if (!parsed.success) throw new LessonError(parsed.error.issues.map((i) => `${INDEX}: ${i.path.join(".")}: ${i.message}`));
  const ix = parsed.data;
  const errors: string[] = [];
  const readRaw = async (path: string | undefined, what: string): Promise<Buffer | undefined> => {
    if (!path) return undefined;
    const inside = normalize(path);
    if (inside.startsWith("..") || inside.startsWith("/")) {
      errors.push(`${what}: "${path}" is outside the scenario's folder`);
      return undefined;
    }
    try {
      return await readFile(join(dir, inside));
    } catch {
      errors.push(`${what}: ${path} not found`);
      return undefined;
    }
  };
  const read = async (path: string | undefined, what: string) => (await readRaw(path, what))?.toString("utf8");

  const twoHosts = /2nodes/.test(ix.backend?.imageid ?? "") || Object.keys(ix.details.assets ?? {}).some((h) => (nodeOf(h) ?? "node1") !== "node1");
  const nodes = twoHosts ? 2 : 1;
  const steps: Step[] = [];
  for (const [i, s] of ix.details.steps.entries()) {
    const where = `step ${i + 1}`;
    const body = convertMarkdown((await read(s.text, `${where} text`)) ?? "");
    const found = actionsOf(body, nodes);
    errors.push(...found.errors.map((e) => `${where} (${s.text}): ${e}`));
    const hint = await read(s.hint, `${where} hint`);
    steps.push({
      title: s.title?.trim() || `Step ${i + 1}`,
      body,
      hints: hint ? [hint] : [],
      node: "node1",
      check: await read(s.verify, `${where} verify`),
      setup: await read(s.background, `${where} background`),
      foreground: await read(s.foreground, `${where} foreground`),
      actions: found.actions,
    });
  }
  const intro = ix.details.intro;
  const introText = await read(intro?.text, "intro text");
  const introSetup = await read(intro?.background, "intro background");
  const introForeground = await read(intro?.foreground, "intro foreground");
  const finishText = await read(ix.details.finish?.text, "finish text");

  const assets: Asset[] = [];
  for (const [host, list] of Object.entries(ix.details.assets ?? {})) {
    for (const a of list) {
      const content = await readRaw(posix.join("assets", a.file), `asset ${a.file}`);
      if (content === undefined) continue;
      const target = a.target.replace(/^~/, "/root");
      if (!target.startsWith("/")) errors.push(`asset ${a.file}: target must be absolute or start with ~`);
      assets.push({
        node: nodeOf(host) ?? "node1",
        path: target.endsWith("/") ? posix.join(target, posix.basename(a.file)) : target,
        content: content.toString("base64"),
        mode: a.chmod,
      });
    }
  }
  if (errors.length) throw new LessonError(errors);
  const level = (LEVELS as readonly string[]).includes(ix.difficulty?.toLowerCase() ?? "") ? (ix.difficulty!.toLowerCase() as Level) : "beginner";
  return {
    slug,
    title: ix.title,
    description: ix.description?.trim() || "A Killercoda scenario.",
    duration: minutes(ix.time),
    level,
    nodes,
    images: [],
    order: 2000,
    format: "killercoda",
    intro:
      introText !== undefined || introSetup !== undefined || introForeground !== undefined
        ? { body: convertMarkdown(introText ?? ""), setup: introSetup, foreground: introForeground }
        : undefined,
    finish: finishText === undefined ? undefined : convertMarkdown(finishText),
    steps,
    assets,
  };
}
