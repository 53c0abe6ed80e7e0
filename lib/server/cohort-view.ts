/** A class as its instructor's dashboard shows it. */
import type { AttendeeView, CohortDashboard } from "../workshops/types";
import { getContext } from "./context";

/** The instructor's view of the class: every attendee's step and checks. */
export async function cohortDashboard(id: string): Promise<CohortDashboard> {
  const { manager, workshops } = getContext();
  const cohort = await workshops.cohorts.byId(id);
  const workshop = await workshops.catalog.get(cohort.workshop);
  const attendees = cohort.attendees.map((a): AttendeeView => {
    let active = true;
    try {
      manager.sessionOf(a.sessionId);
    } catch {
      active = false;
    }
    // Never waits for a node: one that cannot be reached must not hold up the whole class.
    const run = active ? workshops.runs.peek(a.sessionId) : undefined;
    return { name: a.name, watchId: a.watchId, joinedAt: a.joinedAt, active, step: run?.step, checks: run?.checks ?? {} };
  });
  return {
    code: cohort.code,
    title: cohort.title,
    workshop: {
      slug: cohort.workshop,
      title: workshop?.title ?? cohort.workshop,
      steps: (workshop?.steps ?? []).map((s, i) => ({ n: i + 1, title: s.title, hasCheck: !!s.check })),
    },
    seats: cohort.seats,
    createdAt: cohort.createdAt,
    expiresAt: cohort.expiresAt,
    joinPath: `/join/${cohort.code}`,
    attendees,
    warm: warmSeats(manager.poolView, cohort.seats - cohort.attendees.length),
  };
}

/** The pool's sessions this class's free seats could take. */
function warmSeats(pool: { size: number; ready: number }, free: number): { ready: number; starting: number } {
  const ready = Math.min(pool.ready, Math.max(0, free));
  return { ready, starting: Math.min(pool.size - pool.ready, Math.max(0, free - ready)) };
}

