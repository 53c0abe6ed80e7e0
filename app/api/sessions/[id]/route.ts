import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import type { SessionView } from "@/lib/protocol";
import { portUrl } from "@/lib/ports/urls";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export const GET = handle(async (req: Request, { params }: Params) => {
  const { id } = await params;
  const { manager, config } = getContext();
  const view = manager.get(id);
  manager.touch(id); // a page that asks is someone using it
  const host = req.headers.get("host") ?? "localhost";
  const protocol = config.trustProxy && req.headers.get("x-forwarded-proto") === "https" ? "https:" : "http:";
  // The page builds the link of a port the user types from this template.
  const template = portUrl({ id: manager.watchIdOf(id), node: "NODE", port: 65535 }, host, protocol, config.portsDomain);
  return json<SessionView>({
    ...view,
    portUrl: template.replace("65535", "{port}").replace("NODE", "{node}"),
    uploadMaxBytes: config.uploadMaxBytes,
  });
});

export const DELETE = handle(async (_req: Request, { params }: Params) => {
  const { id } = await params;
  await getContext().manager.delete(id);
  return new Response(null, { status: 204 });
});

const notAllowed = methodNotAllowed("GET, DELETE");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
