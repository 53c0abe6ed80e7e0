import { json, handle, methodNotAllowed, readBody } from "@/lib/http/respond";
import { templateBody, type SessionView } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** Builds a Docker swarm from the session's nodes, adding nodes as needed; answers when the swarm is formed. */
export const POST = handle(async (req: Request, { params }: Params) => {
  const { id } = await params;
  const { manager } = getContext();
  manager.access(id);
  const { template } = await readBody(req, templateBody);
  return json<SessionView>(await manager.applyTemplate(id, template));
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
