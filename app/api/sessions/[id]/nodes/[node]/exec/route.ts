import { json, handle, methodNotAllowed, readBody } from "@/lib/http/respond";
import { execBody, type ExecResult } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; node: string }> };

/** Runs an argv array in the node, never a shell string: `{ cmd: ["ls", "-l"] }`. */
export const POST = handle(async (req: Request, { params }: Params) => {
  const { id, node } = await params;
  const { manager } = getContext();
  manager.nodeState(id, node); // 404 before reading the body
  const { cmd, timeoutMs } = await readBody(req, execBody);
  return json<ExecResult>(await manager.exec(id, node, cmd, timeoutMs));
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
