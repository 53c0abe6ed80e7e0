import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import { getContext } from "@/lib/server/context";
import { stepNumber, workshopOf } from "@/lib/server/workshop-of";
import type { RunView } from "@/lib/workshops/types";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; n: string }> };

/**
 * The learner opened step n: runs its setup the first time and records it as
 * the current step. `type` is a command for the page to type into the
 * terminal (a Killercoda foreground script).
 */
export const POST = handle(async (_req: Request, { params }: Params) => {
  const { id, n } = await params;
  const { manager, workshops } = getContext();
  manager.requireControl(id);
  const { sessionId, workshop } = await workshopOf(id);
  return json<{ run: RunView; type?: string }>(await workshops.runs.start(sessionId, workshop, stepNumber(n, workshop)));
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
