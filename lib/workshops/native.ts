/**
 * The playground's own lesson format (README: "Writing workshops"): a folder
 * with workshop.yaml, optional intro.md and finish.md, and steps/NN-name.md
 * with optional NN-name.check.sh, .setup.sh and .solve.sh beside each.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { actionsOf } from "./blocks";
import { LEVELS, type Step, type Workshop } from "./types";

export const MANIFEST = "workshop.yaml";

const manifest = z
  .object({
    title: z.string().trim().min(1).max(80),
    description: z.string().trim().min(1).max(300),
    duration: z.number().int().min(1).max(600),
    level: z.enum(LEVELS),
    nodes: z.number().int().min(1).max(5).default(1),
    images: z.array(z.string().min(1).max(200)).max(50).default([]),
    order: z.number().default(1000),
  })
  .strict();

const frontMatter = z
  .object({
    title: z.string().trim().min(1).max(120),
    node: z.string().regex(/^node[1-5]$/, "must be node1..node5").default("node1"),
    hints: z.array(z.string().min(1)).max(10).default([]),
  })
  .strict();

/** Thrown with every problem found, so an author fixes them in one go. */
export class LessonError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join("; "));
  }
}

const issues = (e: z.ZodError, where: string) =>
  e.issues.map((i) => `${where}: ${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`);

async function optional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Splits `---\nyaml\n---\nmarkdown`; a file without front matter has none. */
export function splitFrontMatter(text: string): { data: unknown; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) return { data: {}, body: text };
  return { data: parseYaml(m[1]!) ?? {}, body: text.slice(m[0].length) };
}

export async function loadNative(dir: string, slug: string): Promise<Workshop> {
  const errors: string[] = [];
  let meta: z.infer<typeof manifest> | undefined;
  try {
    const parsed = manifest.safeParse(parseYaml(await readFile(join(dir, MANIFEST), "utf8")));
    if (parsed.success) meta = parsed.data;
    else errors.push(...issues(parsed.error, MANIFEST));
  } catch (e) {
    errors.push(`${MANIFEST}: ${(e as Error).message.split("\n")[0]}`);
  }
  const nodes = meta?.nodes ?? 1;

  let names: string[] = [];
  try {
    names = (await readdir(join(dir, "steps"))).sort();
  } catch {
    errors.push("steps/: missing; put the steps in steps/01-name.md, steps/02-name.md, ...");
  }
  const stepFiles = names.filter((n) => n.endsWith(".md"));
  const scripts = new Set(names.filter((n) => n.endsWith(".sh")));
  for (const s of scripts) {
    if (!stepFiles.some((f) => /^(.*)\.(check|setup|solve)\.sh$/.exec(s)?.[1] === f.slice(0, -3))) {
      errors.push(`steps/${s}: no step called ${s.replace(/\.(check|setup|solve)\.sh$/, ".md")}; scripts are named NN-name.check.sh, .setup.sh or .solve.sh after their step`);
    }
  }
  if (names.length && !stepFiles.length) errors.push("steps/: no .md files");

  const steps: Step[] = [];
  for (const file of stepFiles) {
    const where = `steps/${file}`;
    const base = join(dir, "steps", file.slice(0, -3));
    const { data, body } = splitFrontMatter(await readFile(join(dir, "steps", file), "utf8"));
    const fm = frontMatter.safeParse(data);
    if (!fm.success) {
      errors.push(...issues(fm.error, `${where} front matter`));
      continue;
    }
    if (Number(fm.data.node.slice(4)) > nodes) errors.push(`${where}: node ${fm.data.node} but the workshop has ${nodes} node(s)`);
    const found = actionsOf(body, nodes);
    errors.push(...found.errors.map((e) => `${where}: ${e}`));
    steps.push({
      title: fm.data.title,
      body,
      hints: fm.data.hints,
      node: fm.data.node,
      check: await optional(`${base}.check.sh`),
      setup: await optional(`${base}.setup.sh`),
      solve: await optional(`${base}.solve.sh`),
      actions: found.actions,
    });
  }
  if (errors.length || !meta) throw new LessonError(errors);
  const intro = await optional(join(dir, "intro.md"));
  return {
    slug,
    ...meta,
    nodes,
    format: "native",
    intro: intro === undefined ? undefined : { body: intro },
    finish: await optional(join(dir, "finish.md")),
    steps,
    assets: [],
  };
}
