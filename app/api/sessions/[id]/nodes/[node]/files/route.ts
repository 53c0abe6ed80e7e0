import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import type { UploadResult } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";
import { BadRequestError, PlaygroundError, TooLargeError } from "@/lib/sessions/errors";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string }> };

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/**
 * Uploads one file: the raw body is written to `?path=` in the node
 * (relative paths start at /root; folders are created). The body streams
 * through and must say its length.
 */
export const PUT = handle(async (req: Request, { params }: Params) => {
  const { id, node } = await params;
  const { manager, config } = getContext();
  manager.nodeState(id, node); // 404 first
  manager.requireControl(id);
  const path = new URL(req.url).searchParams.get("path");
  if (!path) throw new BadRequestError("Say where the file goes: ?path=name or ?path=folder/name.");
  const length = req.headers.get("content-length");
  if (length === null || !/^\d+$/.test(length)) {
    throw new PlaygroundError("length_required", "Send the file with a Content-Length header.", 411);
  }
  const size = Number(length);
  if (size > config.uploadMaxBytes) {
    throw new TooLargeError(`Files up to ${mib(config.uploadMaxBytes)} can be uploaded; this one is ${mib(size)}.`);
  }
  const body = req.body ? Readable.fromWeb(req.body as WebReadableStream) : Readable.from([]);
  const written = await manager.writeFile(id, node, path, body, size);
  return json<UploadResult>({ path: written, size }, 201);
});

const notAllowed = methodNotAllowed("PUT");
export { notAllowed as GET, notAllowed as POST, notAllowed as PATCH, notAllowed as DELETE };
