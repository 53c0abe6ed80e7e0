import { handle, methodNotAllowed } from "@/lib/http/respond";
import { removeNetwork } from "@/lib/images/panel";
import { networkRef } from "@/lib/images/refs";
import { nodeEngineOf, requireControl } from "@/lib/server/node-engine";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string; nid: string }> };

/** Removes a network; the predefined ones (bridge, host, none) and networks in use come back as 409. */
export const DELETE = handle(async (_req: Request, { params }: Params) => {
  const { id, node, nid } = await params;
  requireControl(id);
  const ref = networkRef(nid);
  await removeNetwork(await nodeEngineOf(id, node), ref);
  return new Response(null, { status: 204 });
});

const notAllowed = methodNotAllowed("DELETE");
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
