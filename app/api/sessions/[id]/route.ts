import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import type { SessionView } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";
import { pageView } from "@/lib/server/session-view";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export const GET = handle(async (req: Request, { params }: Params) => {
  const { id } = await params;
  const view = pageView(req, id);
  getContext().manager.touch(id); // a page that asks is someone using it
  return json<SessionView>(view);
});

export const DELETE = handle(async (_req: Request, { params }: Params) => {
  const { id } = await params;
  await getContext().manager.delete(id);
  return new Response(null, { status: 204 });
});

const notAllowed = methodNotAllowed("GET, DELETE");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
