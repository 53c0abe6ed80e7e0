/**
 * The hand-out ledger: which pooled sessions the server handed out, with
 * their claim, kept in a file of the server's (DATA_DIR). Handing out a
 * pooled session then waits for one small file write, shared by everyone
 * handed out at that moment, rather than for a command in the node (about
 * 70 ms each, and 30 at once take seconds). The claim is still written into
 * the node afterwards; after a restart, either one tells that the session is
 * someone's (lib/sessions/adoption.ts).
 */
import { readJson, writeJson } from "../json-file";
import type { Claim } from "./claims";

export interface HandoutLedger {
  /** Resolves once the hand-out is on disk. */
  record(id: string, claim: Claim): Promise<void>;
  /** Reads the file (once, at adoption); entries past their expiry are dropped. */
  load(now: number): Promise<void>;
  get(id: string): Claim | undefined;
  /** The session is gone; written with the next change. */
  forget(id: string): void;
}

export function fileLedger(path: string): HandoutLedger {
  const entries = new Map<string, Claim>();
  let version = 0;
  let written = 0;
  let writing: Promise<void> | undefined;

  const writeNow = () => writeJson(path, Object.fromEntries(entries));
  /** Waits until a write that began after this call has finished: callers at the same moment share one. */
  const save = async () => {
    const mine = ++version;
    while (written < mine) {
      if (!writing) {
        const covers = version;
        writing = writeNow()
          .then(() => void (written = Math.max(written, covers)))
          .finally(() => (writing = undefined));
      }
      await writing;
    }
  };

  return {
    async record(id, claim) {
      entries.set(id, claim);
      await save();
    },
    async load(now) {
      const saved = await readJson<Record<string, Claim>>(path, {});
      for (const [id, claim] of Object.entries(saved)) {
        if (typeof claim?.expiresAt === "number" && claim.expiresAt > now && !entries.has(id)) entries.set(id, claim);
      }
    },
    get: (id) => entries.get(id),
    forget(id) {
      if (entries.delete(id)) void save().catch(() => {});
    },
  };
}
