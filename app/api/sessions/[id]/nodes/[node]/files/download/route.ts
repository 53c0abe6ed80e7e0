import { Readable } from "node:stream";
import { handle, methodNotAllowed } from "@/lib/http/respond";
import { getContext } from "@/lib/server/context";
import { BadRequestError } from "@/lib/sessions/errors";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string }> };

/** Downloads `?path=` from the node: a file as it is, a folder as a tar archive. */
export const GET = handle(async (req: Request, { params }: Params) => {
  const { id, node } = await params;
  const path = new URL(req.url).searchParams.get("path");
  if (!path) throw new BadRequestError("Say what to download: ?path=name.");
  const found = await getContext().manager.readPath(id, node, path);
  const name = found.kind === "folder" ? `${found.name || "root"}.tar` : found.name;
  const headers: Record<string, string> = {
    "content-type": found.kind === "folder" ? "application/x-tar" : "application/octet-stream",
    // RFC 6266: an ASCII fallback and the exact name.
    "content-disposition": `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
  if (found.size !== undefined) headers["content-length"] = String(found.size);
  return new Response(Readable.toWeb(Readable.from(found.stream as AsyncIterable<Buffer>)) as ReadableStream, { headers });
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
