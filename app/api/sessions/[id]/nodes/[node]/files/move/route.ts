import { json, handle, methodNotAllowed, readBody } from "@/lib/http/respond";
import { moveBody } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string }> };

/** Renames or moves a file or folder: `{ from, to }`. Never replaces: 409 path_exists when `to` is taken. */
export const POST = handle(async (req: Request, { params }: Params) => {
  const { id, node } = await params;
  const { manager } = getContext();
  manager.nodeState(id, node); // 404, then 403, before reading the body
  manager.requireControl(id);
  const { from, to } = await readBody(req, moveBody);
  return json<{ path: string }>({ path: await manager.movePath(id, node, from, to) });
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
