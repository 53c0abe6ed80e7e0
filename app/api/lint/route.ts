import { handle, json, methodNotAllowed, readBody } from "@/lib/http/respond";
import { lint } from "@/lib/lint";
import { lintBody, type LintResult } from "@/lib/protocol";

export const dynamic = "force-dynamic";

/**
 * Lints a Dockerfile or a compose file: `{ kind: "compose", content }` ->
 * `{ diagnostics }`. Needs no session; the same code runs in the editor.
 */
export const POST = handle(async (req: Request) => {
  const { kind, content } = await readBody(req, lintBody);
  return json<LintResult>({ diagnostics: lint(kind, content) });
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
