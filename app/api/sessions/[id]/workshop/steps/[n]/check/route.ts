import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import { getContext } from "@/lib/server/context";
import { stepNumber, workshopOf } from "@/lib/server/workshop-of";
import type { CheckResult } from "@/lib/workshops/types";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; n: string }> };

/** Runs step n's check in the node: `{ passed, output, at }`. */
export const POST = handle(async (_req: Request, { params }: Params) => {
  const { id, n } = await params;
  const { manager, workshops } = getContext();
  manager.requireControl(id);
  const { sessionId, workshop } = await workshopOf(id);
  return json<CheckResult>(await workshops.runs.check(sessionId, workshop, stepNumber(n, workshop)));
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
