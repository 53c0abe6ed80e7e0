import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import type { NodeView } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string }> };

export const GET = handle(async (_req: Request, { params }: Params) => {
  const { id, node } = await params;
  return json<NodeView>(getContext().manager.nodeState(id, node));
});

/** Removes the node and everything in it. */
export const DELETE = handle(async (_req: Request, { params }: Params) => {
  const { id, node } = await params;
  await getContext().manager.removeNode(id, node);
  return new Response(null, { status: 204 });
});

const notAllowed = methodNotAllowed("GET, DELETE");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
