import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import type { SessionView } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** Gives the session more time, up to its maximum lifetime (409 extend_limit after that). */
export const POST = handle(async (_req: Request, { params }: Params) => {
  const { id } = await params;
  return json<SessionView>(await getContext().manager.extend(id));
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
