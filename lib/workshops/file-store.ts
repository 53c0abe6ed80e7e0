/** Keeps cohorts in one JSON file, replaced atomically (write, then rename). */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Cohort, CohortStore } from "./cohorts";

export function jsonFileStore(path: string): CohortStore {
  return {
    async load() {
      try {
        return JSON.parse(await readFile(path, "utf8")) as Cohort[];
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw e;
      }
    },
    async save(cohorts) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(cohorts, null, 1), { mode: 0o600 });
      await rename(temporary, path);
    },
  };
}
