/**
 * Finds the actions in a step's markdown, in reading order, with the same
 * parser the page renders with, so what the replay test runs is what the
 * learner sees.
 */
import { fromMarkdown } from "mdast-util-from-markdown";
import type { Code, Link } from "mdast";
import { visit } from "unist-util-visit";
import type { Action } from "./types";
import { parseActionHref, parseInfo } from "./info";

export function actionsOf(markdown: string, maxNode: number): { actions: Action[]; errors: string[] } {
  const actions: Action[] = [];
  const errors: string[] = [];
  visit(fromMarkdown(markdown), (node) => {
    if (node.type === "code") {
      const code = node as Code;
      const info = parseInfo(code.lang, code.meta);
      const where = `code block at line ${code.position?.start.line ?? "?"}`;
      for (const e of info.errors) errors.push(`${where}: ${e}`);
      if (info.node && Number(info.node.slice(4)) > maxNode) {
        errors.push(`${where}: node=${info.node} but the workshop has ${maxNode} node${maxNode === 1 ? "" : "s"}`);
      }
      actions.push({
        kind: info.kind,
        text: code.value,
        node: info.node,
        path: info.path,
        interrupt: info.interrupt || undefined,
        replay: info.replay,
      });
    } else if (node.type === "link") {
      const link = parseActionHref((node as Link).url);
      if (link) actions.push({ kind: link.kind, text: link.text, node: link.node, replay: true });
    }
  });
  return { actions, errors };
}
