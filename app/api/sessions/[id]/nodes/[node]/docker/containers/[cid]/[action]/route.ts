import { handle, methodNotAllowed } from "@/lib/http/respond";
import { containerLifecycle } from "@/lib/images/panel";
import { containerAction, containerRef } from "@/lib/images/refs";
import { nodeEngineOf, requireControl } from "@/lib/server/node-engine";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string; cid: string; action: string }> };

/** start, stop or restart; asking for the state a container is already in succeeds. */
export const POST = handle(async (_req: Request, { params }: Params) => {
  const { id, node, cid, action } = await params;
  requireControl(id);
  const ref = containerRef(cid);
  const what = containerAction(action);
  await containerLifecycle(await nodeEngineOf(id, node), ref, what);
  return new Response(null, { status: 204 });
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
