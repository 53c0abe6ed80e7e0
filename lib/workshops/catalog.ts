/**
 * Every workshop the playground offers: the built-in ones and those in the
 * folders an operator adds (LESSON_DIRS). A folder with workshop.yaml is a
 * native lesson; one with index.json, a Killercoda scenario. Folders are read
 * again when asked after RELOAD_MS, so an author sees an edit by reloading the page.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { INDEX, loadKillercoda } from "./killercoda";
import { LessonError, MANIFEST, loadNative } from "./native";
import type { LoadProblem, Workshop } from "./types";

const RELOAD_MS = 5000;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface CatalogSnapshot {
  workshops: Workshop[];
  problems: LoadProblem[];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Loads every lesson folder under `roots`; what fails is reported, never thrown. */
export async function loadAll(roots: string[]): Promise<CatalogSnapshot> {
  const workshops: Workshop[] = [];
  const problems: LoadProblem[] = [];
  for (const root of roots) {
    let entries: string[];
    try {
      entries = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch (e) {
      problems.push({ folder: root, errors: [`cannot read the lesson folder: ${(e as Error).message}`] });
      continue;
    }
    for (const name of entries) {
      const dir = join(root, name);
      const native = await exists(join(dir, MANIFEST));
      if (!native && !(await exists(join(dir, INDEX)))) continue;
      if (!SLUG.test(name)) {
        problems.push({ folder: dir, errors: ["the folder's name is the workshop's address: use lowercase letters, digits and dashes"] });
        continue;
      }
      if (workshops.some((w) => w.slug === name)) {
        problems.push({ folder: dir, errors: [`another workshop is already called "${name}"; the first one found is kept`] });
        continue;
      }
      try {
        workshops.push(native ? await loadNative(dir, name) : await loadKillercoda(dir, name));
      } catch (e) {
        problems.push({ folder: dir, errors: e instanceof LessonError ? e.errors : [String(e)] });
      }
    }
  }
  workshops.sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
  return { workshops, problems };
}

export class WorkshopCatalog {
  private snapshot?: Promise<CatalogSnapshot>;
  private loadedAt = 0;

  constructor(
    private readonly roots: string[],
    private readonly log: (event: string, fields: Record<string, unknown>) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  current(): Promise<CatalogSnapshot> {
    if (!this.snapshot || this.now() - this.loadedAt > RELOAD_MS) {
      this.loadedAt = this.now();
      const first = !this.snapshot;
      this.snapshot = loadAll(this.roots).then((s) => {
        if (first) {
          this.log("workshops_loaded", { workshops: s.workshops.length, problems: s.problems.length });
          for (const p of s.problems) this.log("workshop_invalid", { folder: p.folder, errors: p.errors });
        }
        return s;
      });
    }
    return this.snapshot;
  }

  async get(slug: string): Promise<Workshop | undefined> {
    return (await this.current()).workshops.find((w) => w.slug === slug);
  }
}
