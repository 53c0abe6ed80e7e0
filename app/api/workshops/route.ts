import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import { getContext } from "@/lib/server/context";
import { summary, type LoadProblem, type WorkshopSummary } from "@/lib/workshops/types";

export const dynamic = "force-dynamic";

/** Every workshop, and the lesson folders that failed to load with their authors' errors. */
export const GET = handle(async () => {
  const { workshops, problems } = await getContext().workshops.catalog.current();
  return json<{ workshops: WorkshopSummary[]; problems: LoadProblem[] }>({ workshops: workshops.map(summary), problems });
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
