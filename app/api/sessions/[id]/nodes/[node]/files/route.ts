import { bodyStream, json, handle, methodNotAllowed } from "@/lib/http/respond";
import type { FileChangedBody, PathView, SavedFile } from "@/lib/protocol";
import { countHttpError, getContext } from "@/lib/server/context";
import { BadRequestError, FileChangedError, PlaygroundError, TooLargeError, isPlaygroundError } from "@/lib/sessions/errors";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string }> };

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

function pathOf(req: Request, what: string): string {
  const path = new URL(req.url).searchParams.get("path");
  if (!path) throw new BadRequestError(`Say which path: ?path=${what}.`);
  return path;
}

/**
 * For the editor: a folder's entries, or a text file's content with its
 * version (links followed; `path` says where they led). Binary files (415)
 * and files over 1 MiB (413) are downloaded instead. Watchers may read.
 */
export const GET = handle(async (req: Request, { params }: Params) => {
  const { id, node } = await params;
  const view = await getContext().manager.getPath(id, node, pathOf(req, "name"));
  return json<PathView>(view, 200, view.kind === "file" ? { etag: `"${view.version}"` } : {});
});

/**
 * Uploads or saves one file: the raw body is written to `?path=` in the node
 * (relative paths start at /root; folders are created). The body streams
 * through and must say its length. With `If-Match: <version>` the save is
 * refused (409 file_changed, with the current version) when the file changed
 * in the node since that version was read.
 */
export const PUT = handle(async (req: Request, { params }: Params) => {
  const { id, node } = await params;
  const { manager, config } = getContext();
  manager.nodeState(id, node); // 404 first
  manager.requireControl(id);
  const path = pathOf(req, "name or ?path=folder/name");
  const length = req.headers.get("content-length");
  if (length === null || !/^\d+$/.test(length)) {
    throw new PlaygroundError("length_required", "Send the file with a Content-Length header.", 411);
  }
  const size = Number(length);
  if (size > config.uploadMaxBytes) {
    throw new TooLargeError(`Files up to ${mib(config.uploadMaxBytes)} can be uploaded; this one is ${mib(size)}.`);
  }
  try {
    const saved = await manager.saveFile(id, node, path, bodyStream(req), size, req.headers.get("if-match") ?? undefined);
    return json<SavedFile>(saved, 201, { etag: `"${saved.version}"` });
  } catch (e) {
    if (!isPlaygroundError(e) || e.code !== "file_changed") throw e;
    // The editor offers to reload (this version) or to overwrite (save with it as If-Match).
    const { current } = e as FileChangedError;
    countHttpError(e.code);
    const body: FileChangedBody = { error: { code: e.code, message: e.message }, current: { version: current } };
    return json<FileChangedBody>(body, e.status, current ? { etag: `"${current}"` } : {});
  }
});

/** Removes a file, or a folder with everything in it. `/` and `/root` are refused (400). */
export const DELETE = handle(async (req: Request, { params }: Params) => {
  const { id, node } = await params;
  const { manager } = getContext();
  manager.nodeState(id, node);
  manager.requireControl(id);
  await manager.removePath(id, node, pathOf(req, "name"));
  return new Response(null, { status: 204 });
});

const notAllowed = methodNotAllowed("GET, PUT, DELETE");
export { notAllowed as POST, notAllowed as PATCH };
