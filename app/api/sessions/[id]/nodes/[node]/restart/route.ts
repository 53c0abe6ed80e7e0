import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import type { NodeView } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string }> };

/**
 * Starts a stopped node again (its Docker engine, or the whole node); a ready
 * node gets its engine restarted. 202: it goes on in the background, with the
 * node "provisioning" until it is ready or stopped again.
 */
export const POST = handle(async (_req: Request, { params }: Params) => {
  const { id, node } = await params;
  return json<NodeView>(getContext().manager.restartNode(id, node), 202);
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
