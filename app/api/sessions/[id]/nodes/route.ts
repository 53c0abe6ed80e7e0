import { json, handle, methodNotAllowed, readBody } from "@/lib/http/respond";
import { addNodeBody, type NodeView } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** Adds the next node (node2, node3, ...); it answers at once with the node provisioning. */
export const POST = handle(async (req: Request, { params }: Params) => {
  const { id } = await params;
  const { manager } = getContext();
  manager.access(id); // 404 before reading the body
  await readBody(req, addNodeBody, true);
  const node = manager.addNode(id);
  return json<NodeView>(node, 201, { location: `/api/sessions/${id}/nodes/${node.name}` });
});

export const GET = handle(async (_req: Request, { params }: Params) => {
  const { id } = await params;
  return json<NodeView[]>(getContext().manager.get(id).nodes);
});

const notAllowed = methodNotAllowed("GET, POST");
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
