import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import { workshopOf } from "@/lib/server/workshop-of";
import { view, type RunView, type WorkshopView } from "@/lib/workshops/types";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** The workshop the session follows and the learner's progress; watchers may read it too. */
export const GET = handle(async (_req: Request, { params }: Params) => {
  const { id } = await params;
  const { run, workshop } = await workshopOf(id);
  return json<{ run: RunView; workshop: WorkshopView }>({ run, workshop: view(workshop) });
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
