import { handle, methodNotAllowed } from "@/lib/http/respond";
import { removeVolume } from "@/lib/images/panel";
import { volumeRef } from "@/lib/images/refs";
import { nodeEngineOf, requireControl } from "@/lib/server/node-engine";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string; name: string }> };

/** Removes a volume no container uses; a volume in use comes back as 409 with the engine's message. */
export const DELETE = handle(async (_req: Request, { params }: Params) => {
  const { id, node, name } = await params;
  requireControl(id);
  const ref = volumeRef(name);
  await removeVolume(await nodeEngineOf(id, node), ref);
  return new Response(null, { status: 204 });
});

const notAllowed = methodNotAllowed("DELETE");
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
