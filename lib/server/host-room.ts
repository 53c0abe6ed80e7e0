/**
 * What this host has room for (lib/sessions/capacity.ts), read from /proc
 * at each question: memory left, process ids, kernel keys, and session networks.
 */
import { readFileSync } from "node:fs";
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
/** The playground engine cuts SESSION_SUBNETS into subnets of this size (sandbox/engine.sh). */
const SESSION_SUBNET_PREFIX = 26;
/**
 * Networks Docker's default address pools hold (172.17-31.0.0/16 and
 * 192.168.0.0/16 in /20s), the default bridge's taken: the host's engine
 * (NODE_ISOLATION=none) has no more, fewer when other networks exist.
 */
const DEFAULT_POOL_NETWORKS = 30;

export interface HostRoomOptions {
  isolation: "userns" | "none";
  sessionSubnets: string;
  nodePidsLimit: number;
  read?: (path: string) => string;
}

export function hostRoom({ isolation, sessionSubnets, nodePidsLimit, read = (p) => readFileSync(p, "utf8") }: HostRoomOptions) {
  const addresses = isolation === "userns" ? subnetsIn(sessionSubnets) : DEFAULT_POOL_NETWORKS;
  const tryRead = (path: string) => {
    try {
      return read(path);
    } catch {
      return undefined;
    }
  };
  return (held: number): HostRoom => {
    const available = /^MemAvailable:\s+(\d+) kB$/m.exec(tryRead("/proc/meminfo") ?? "")?.[1];
    const pidMax = Number(tryRead("/proc/sys/kernel/pid_max")?.trim());
    const maxKeys = isolation === "userns" ? Number(tryRead("/proc/sys/kernel/keys/maxkeys")?.trim()) : 0;
    return {
      ...(available ? { memory: held + Math.max(0, Math.floor((Number(available) / 1024 - MEMORY_RESERVE_MIB) / IDLE_SESSION_MIB)) } : {}),
      // Every node at its limit must still leave the host ids of its own (one node per session counted).
      ...(pidMax > 0 ? { pids: Math.floor((pidMax * PIDS_SHARE) / nodePidsLimit) } : {}),
      ...(maxKeys > 0 ? { keys: Math.floor(maxKeys / KEYS_PER_SESSION) } : {}),
      addresses,
    };
  };
}

/** How many /26 subnets an IPv4 range such as 10.213.0.0/16 holds. */
export function subnetsIn(range: string): number {
  const prefix = Number(range.split("/")[1]);
  return prefix > SESSION_SUBNET_PREFIX ? 0 : 2 ** (SESSION_SUBNET_PREFIX - prefix);
}
