/**
 * How many sessions this playground can hold, and what binds: the
 * operator's MAX_SESSIONS, or what the host has room for (memory, process
 * ids, the kernel's key quota, session network addresses). The figures come from the caller; this
 * only picks the smallest.
 */
export type Bound = "max_sessions" | "memory" | "pids" | "keys" | "addresses";

/** Sessions in all (held ones included) that each of the host's resources allows; undefined: not known. */
export type HostRoom = Partial<Record<Exclude<Bound, "max_sessions">, number>>;

export interface CapacityView {
  /** Sessions that may exist at once, handed out and pooled. */
  sessions: number;
  binding: Bound;
  limits: Partial<Record<Bound, number>>;
}

export function capacityOf(maxSessions: number, room: HostRoom = {}): CapacityView {
  const limits: Partial<Record<Bound, number>> = { max_sessions: maxSessions, ...room };
  let binding: Bound = "max_sessions";
  for (const [bound, n] of Object.entries(limits) as [Bound, number | undefined][]) {
    if (n !== undefined && n < limits[binding]!) binding = bound;
  }
  return { sessions: Math.max(0, Math.floor(limits[binding]!)), binding, limits };
}

const WHY: Record<Bound, string> = {
  max_sessions: "sessions are running",
  memory: "sessions fit in the host's memory",
  pids: "sessions fit in the host's process ids",
  keys: "sessions fit in the kernel's key quota",
  addresses: "session networks fit in the playground's addresses",
};

/** What a person is told when no seat is left. */
export const fullMessage = ({ sessions, binding }: CapacityView): string =>
  `The playground is full (${sessions} ${WHY[binding]}). Try again in a few minutes.`;
