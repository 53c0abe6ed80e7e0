import { json, handle, methodNotAllowed, readBody } from "@/lib/http/respond";
import { createSessionBody, type SessionView } from "@/lib/protocol";
import { CLIENT_ADDRESS_HEADER, getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

export const POST = handle(async (req: Request) => {
  await readBody(req, createSessionBody, true);
  const client = req.headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
  const session = await getContext().manager.create(client);
  return json<SessionView>(session, 201, { location: `/api/sessions/${session.id}` });
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
