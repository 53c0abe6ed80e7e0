import { z } from "zod";
import { errorJson, handle, json, methodNotAllowed, readBody } from "@/lib/http/respond";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

const DeleteRequest = z.object({
  name: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  repository: z.string().min(3).max(256),
  tag: z.string().min(1).max(128),
});

/** The owner deletes a tag (and every tag of the same image) with their `docker login` password. */
export const POST = handle(async (req: Request) => {
  const body = await readBody(req, DeleteRequest);
  const hub = getContext().hub;
  if (!(await hub.info())) return errorJson("no_hub", "This playground has no hub to delete from.", 404);
  const result = await hub.remove(body);
  if ("error" in result) return errorJson(result.status === 404 ? "not_found" : "forbidden", result.error, result.status === 404 ? 404 : 403);
  return json(result);
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
