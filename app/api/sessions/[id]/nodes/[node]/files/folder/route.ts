import { json, handle, methodNotAllowed, readBody } from "@/lib/http/respond";
import { folderBody } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string }> };

/** Creates a folder and its parents (`{ path }`); 409 path_exists when a file is in the way. */
export const POST = handle(async (req: Request, { params }: Params) => {
  const { id, node } = await params;
  const { manager } = getContext();
  manager.nodeState(id, node);
  manager.requireControl(id);
  const { path } = await readBody(req, folderBody);
  return json<{ path: string }>({ path: await manager.makeFolder(id, node, path) }, 201);
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
