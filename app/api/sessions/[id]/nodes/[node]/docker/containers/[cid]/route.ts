import { handle, methodNotAllowed } from "@/lib/http/respond";
import { removeContainer } from "@/lib/images/panel";
import { containerRef } from "@/lib/images/refs";
import { nodeEngineOf, requireControl } from "@/lib/server/node-engine";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string; cid: string }> };

/** Removes a container, running or not (`docker rm -f`). */
export const DELETE = handle(async (_req: Request, { params }: Params) => {
  const { id, node, cid } = await params;
  requireControl(id);
  const ref = containerRef(cid);
  await removeContainer(await nodeEngineOf(id, node), ref);
  return new Response(null, { status: 204 });
});

const notAllowed = methodNotAllowed("DELETE");
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
