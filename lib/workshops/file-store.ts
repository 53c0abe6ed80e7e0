/** Keeps cohorts in one JSON file, replaced atomically (lib/json-file.ts). */
import { readJson, writeJson } from "../json-file";
import type { Cohort, CohortStore } from "./cohorts";

export function jsonFileStore(path: string): CohortStore {
  return {
    load: () => readJson<Cohort[]>(path, []),
    save: (cohorts) => writeJson(path, cohorts, 1),
  };
}
