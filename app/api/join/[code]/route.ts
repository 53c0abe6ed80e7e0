import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import { getContext } from "@/lib/server/context";
import { summary, type WorkshopSummary } from "@/lib/workshops/types";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ code: string }> };

/** What the class's join page shows before an attendee takes a seat. */
export const GET = handle(async (_req: Request, { params }: Params) => {
  const { code } = await params;
  const { workshops } = getContext();
  const cohort = await workshops.cohorts.byCode(code);
  const workshop = await workshops.catalog.get(cohort.workshop);
  return json<{ title: string; workshop?: WorkshopSummary; seatsLeft: number }>({
    title: cohort.title,
    workshop: workshop && summary(workshop),
    seatsLeft: Math.max(0, cohort.seats - cohort.attendees.length),
  });
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
