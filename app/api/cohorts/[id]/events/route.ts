/**
 * GET /api/cohorts/:id/events: the instructor's dashboard (the body of GET
 * /api/cohorts/:id) as server-sent events, at once and on every change: a
 * learner's step or check as it happens, sessions starting and ending, and
 * the rest (a new attendee, the warm seats) within a second.
 */
import { eventStream } from "@/lib/http/event-stream";
import { handle, methodNotAllowed } from "@/lib/http/respond";
import { cohortDashboard } from "@/lib/server/cohort-view";
import { getContext } from "@/lib/server/context";
import { CohortNotFoundError } from "@/lib/workshops/errors";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

const SESSION_EVENTS = ["created", "removed", "nodeReady"] as const;

export const GET = handle(async (req: Request, { params }: Params) => {
  const { id } = await params;
  const { manager, workshops } = getContext();
  await workshops.cohorts.byId(id); // an unknown class is a JSON 404, before any stream starts
  return eventStream(req, {
    read: async () => {
      try {
        return JSON.stringify(await cohortDashboard(id));
      } catch (e) {
        if (e instanceof CohortNotFoundError) return null;
        throw e;
      }
    },
    subscribe: (notify) => {
      workshops.runs.on("progress", notify);
      for (const name of SESSION_EVENTS) manager.on(name, notify);
      return () => {
        workshops.runs.off("progress", notify);
        for (const name of SESSION_EVENTS) manager.off(name, notify);
      };
    },
  });
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
