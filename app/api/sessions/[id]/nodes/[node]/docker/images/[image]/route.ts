import { handle, methodNotAllowed } from "@/lib/http/respond";
import { removeImage } from "@/lib/images/panel";
import { imageRef } from "@/lib/images/refs";
import { nodeEngineOf, requireControl } from "@/lib/server/node-engine";

export const dynamic = "force-dynamic";

/** `image` is the image id, `sha256:<hex>` (see lib/images/refs.ts for why not a name). */
type Params = { params: Promise<{ id: string; node: string; image: string }> };

/** Removes an image that no container uses (not forced: the engine's refusal comes back as 409). */
export const DELETE = handle(async (_req: Request, { params }: Params) => {
  const { id, node, image } = await params;
  requireControl(id);
  const ref = imageRef(image);
  await removeImage(await nodeEngineOf(id, node), ref);
  return new Response(null, { status: 204 });
});

const notAllowed = methodNotAllowed("DELETE");
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
