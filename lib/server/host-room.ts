/**
 * What this host has room for (lib/sessions/capacity.ts), read from /proc:
 * memory left, process ids, kernel keys, and session networks. Every Start
 * and every refill of the pool asks, so the reads are kept for a second.
 */
import { readFileSync } from "node:fs";
import { subnetsIn } from "../docker/subnets";
import type { HostRoom } from "../sessions/capacity";

/** Host memory one idle session takes, rounded up from the bench's density row (README, Capacity). */
export const IDLE_SESSION_MIB = 64;
/** Memory kept for the host itself, the server and the engines. */
const MEMORY_RESERVE_MIB = 1024;
/** The share of kernel.pid_max that nodes may fill together, each at its pids limit. */
const PIDS_SHARE = 0.9;
/**
 * Kernel keys one session takes from the quota that all nodes share (they
 * run as one remapped uid): a session keyring for the node and one for each
 * exec, the terminal's among them; counted with room for a few more execs.
 */
const KEYS_PER_SESSION = 4;

export interface HostRoomOptions {
  isolation: "userns" | "none";
  sessionSubnets: string;
  nodePidsLimit: number;
  read?: (path: string) => string;
  now?: () => number;
}

const READS_KEPT_MS = 1000;

export function hostRoom({ isolation, sessionSubnets, nodePidsLimit, read = (p) => readFileSync(p, "utf8"), now = Date.now }: HostRoomOptions) {
  // The playground engine cuts SESSION_SUBNETS itself (sandbox/engine.sh); on the host's, the runtime does.
  const addresses = subnetsIn(sessionSubnets);
  const tryRead = (path: string) => {
    try {
      return read(path);
    } catch {
      return undefined;
    }
  };
  let kept: { at: number; available?: string; pidMax: number; maxKeys: number } | undefined;
  const readings = () => {
    if (kept && now() - kept.at < READS_KEPT_MS) return kept;
    kept = {
      at: now(),
      available: /^MemAvailable:\s+(\d+) kB$/m.exec(tryRead("/proc/meminfo") ?? "")?.[1],
      pidMax: Number(tryRead("/proc/sys/kernel/pid_max")?.trim()),
      maxKeys: isolation === "userns" ? Number(tryRead("/proc/sys/kernel/keys/maxkeys")?.trim()) : 0,
    };
    return kept;
  };
  return (held: number): HostRoom => {
    const { available, pidMax, maxKeys } = readings();
    return {
      ...(available ? { memory: held + Math.max(0, Math.floor((Number(available) / 1024 - MEMORY_RESERVE_MIB) / IDLE_SESSION_MIB)) } : {}),
      // Every node at its limit must still leave the host ids of its own (one node per session counted).
      ...(pidMax > 0 ? { pids: Math.floor((pidMax * PIDS_SHARE) / nodePidsLimit) } : {}),
      ...(maxKeys > 0 ? { keys: Math.floor(maxKeys / KEYS_PER_SESSION) } : {}),
      addresses,
    };
  };
}
