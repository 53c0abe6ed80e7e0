/**
 * Lint for the files learners edit: Dockerfiles and compose files. Shared by
 * the browser editor and POST /api/lint, so nothing here may need Node
 * (no fs, path or Buffer), Docker or HTTP.
 */
import type { Diagnostic, LintKind } from "../protocol";
import { lintCompose } from "./compose";
import { lintDockerfile } from "./dockerfile";

export { lintCompose, lintDockerfile };
export type { Diagnostic, LintKind };

export function lint(kind: LintKind, content: string): Diagnostic[] {
  return kind === "dockerfile" ? lintDockerfile(content) : lintCompose(content);
}
