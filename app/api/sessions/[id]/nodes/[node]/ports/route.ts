import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import { portUrl } from "@/lib/ports/urls";
import type { PortView } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string }> };

/** The node's published ports, each with the address that opens it through the playground's proxy. */
export const GET = handle(async (req: Request, { params }: Params) => {
  const { id, node } = await params;
  const { manager, ports, config } = getContext();
  const found = await ports.list(id, node);
  const watchId = manager.watchIdOf(id);
  const host = req.headers.get("host") ?? "localhost";
  const protocol = config.trustProxy && req.headers.get("x-forwarded-proto") === "https" ? "https:" : "http:";
  return json<PortView[]>(
    found.map((p) => ({
      port: p.port,
      source: p.source,
      url: portUrl({ id: watchId, node, port: p.port }, host, protocol, config.portsDomain),
      ...(p.container ? { container: p.container } : {}),
    })),
  );
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
