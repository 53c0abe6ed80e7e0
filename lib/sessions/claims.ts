/**
 * The claim file inside every node: the session's expiry and creation time,
 * written when a pooled session is handed out and when the session is
 * extended. Labels are fixed when a container is made; this file is how a
 * restarted server learns the current expiry.
 */
import { isPlaygroundError } from "./errors";
import type { SandboxRuntime } from "./runtime";
import type { Session } from "./state";

/** What the claim file inside every node holds. */
export interface Claim {
  expiresAt: number;
  createdAt?: number;
}

const CLAIM_FILE = "/run/playground/claim";

/** The newest claim any of the nodes holds; undefined when none has one (never handed out). */
export async function readClaim(runtime: SandboxRuntime, id: string, nodes: string[]): Promise<Claim | undefined> {
  const claims = await Promise.all(
    nodes.map(async (node) => {
      const r = await runtime.exec(id, node, ["cat", CLAIM_FILE], { timeoutMs: 5000 }).catch((e: unknown) => {
        // Without the claim a handed-out session would look unclaimed: try the whole adoption again later.
        if (isPlaygroundError(e) && e.code === "engine_unavailable") throw e;
        return undefined;
      });
      return r?.exitCode === 0 ? parseClaim(r.stdout) : undefined;
    }),
  );
  return claims.filter((c): c is Claim => !!c).sort((a, b) => b.expiresAt - a.expiresAt)[0];
}

/** Records the session's expiry in the given nodes (all ready ones by default). */
export async function writeClaim(runtime: SandboxRuntime, session: Session, only?: string[]): Promise<void> {
  const claim = JSON.stringify({
    expiresAt: new Date(session.expiresAt).toISOString(),
    createdAt: new Date(session.createdAt).toISOString(),
  });
  const targets = only ?? [...session.nodes.values()].filter((n) => n.status === "ready").map((n) => n.name);
  // argv, not a shell string: the claim is passed as $1.
  const cmd = ["sh", "-c", 'mkdir -p /run/playground && printf %s "$1" > "$2"', "claim", claim, CLAIM_FILE];
  await Promise.all(
    targets.map(async (node) => {
      const r = await runtime.exec(session.id, node, cmd, { timeoutMs: 5000 });
      if (r.exitCode !== 0) throw new Error(`recording the claim in ${node} failed: ${r.stderr}`);
    }),
  );
}

/** A claim file: JSON with both times, or (older nodes) just the expiry. */
function parseClaim(text: string): Claim | undefined {
  const t = text.trim();
  try {
    if (t.startsWith("{")) {
      const c = JSON.parse(t) as { expiresAt?: string; createdAt?: string };
      const expiresAt = Date.parse(c.expiresAt ?? "");
      const createdAt = Date.parse(c.createdAt ?? "");
      return Number.isNaN(expiresAt) ? undefined : { expiresAt, createdAt: Number.isNaN(createdAt) ? undefined : createdAt };
    }
  } catch {
    return undefined;
  }
  const at = Date.parse(t);
  return Number.isNaN(at) ? undefined : { expiresAt: at };
}
