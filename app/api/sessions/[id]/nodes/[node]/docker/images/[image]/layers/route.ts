import { handle, json, methodNotAllowed } from "@/lib/http/respond";
import { imageLayers } from "@/lib/images/panel";
import { imageRef } from "@/lib/images/refs";
import type { ImageLayers } from "@/lib/images/types";
import { nodeEngineOf } from "@/lib/server/node-engine";

export const dynamic = "force-dynamic";

/** `image` is the image id, `sha256:<hex>` (see lib/images/refs.ts for why not a name). */
type Params = { params: Promise<{ id: string; node: string; image: string }> };

/** The image's layers, base first, read from `docker save` as it streams; images over 2 GiB get 413. */
export const GET = handle(async (req: Request, { params }: Params) => {
  const { id, node, image } = await params;
  const ref = imageRef(image);
  return json<ImageLayers>(await imageLayers(await nodeEngineOf(id, node), ref, req.signal));
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
