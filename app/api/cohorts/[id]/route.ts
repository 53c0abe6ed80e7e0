import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import { cohortDashboard } from "@/lib/server/cohort-view";
import type { CohortDashboard } from "@/lib/workshops/types";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** The instructor's view of the class: every attendee's step and checks. */
export const GET = handle(async (_req: Request, { params }: Params) => {
  const { id } = await params;
  return json<CohortDashboard>(await cohortDashboard(id));
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
