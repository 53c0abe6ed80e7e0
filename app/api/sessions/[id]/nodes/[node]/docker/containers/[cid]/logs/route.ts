import { handle, methodNotAllowed } from "@/lib/http/respond";
import { containerLogs } from "@/lib/images/panel";
import { containerRef, logTail } from "@/lib/images/refs";
import { nodeEngineOf } from "@/lib/server/node-engine";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string; cid: string }> };

/** The last `?tail=N` lines (500 by default, 5000 at most) of stdout and stderr, as plain text. */
export const GET = handle(async (req: Request, { params }: Params) => {
  const { id, node, cid } = await params;
  const ref = containerRef(cid);
  const tail = logTail(new URL(req.url).searchParams.get("tail"));
  const text = await containerLogs(await nodeEngineOf(id, node), ref, tail, req.signal);
  return new Response(text, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
