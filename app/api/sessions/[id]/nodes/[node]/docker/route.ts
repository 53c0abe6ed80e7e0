import { handle, json, methodNotAllowed } from "@/lib/http/respond";
import { summary } from "@/lib/images/panel";
import type { DockerSummary } from "@/lib/images/types";
import { nodeEngineOf } from "@/lib/server/node-engine";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string }> };

/** What the node's engine has: containers (stopped ones too), images, volumes, networks. Watch links may read it. */
export const GET = handle(async (req: Request, { params }: Params) => {
  const { id, node } = await params;
  return json<DockerSummary>(await summary(await nodeEngineOf(id, node), req.signal));
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
