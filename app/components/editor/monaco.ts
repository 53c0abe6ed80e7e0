/**
 * Monaco, bundled with the app (never from a CDN): the editor core, its
 * common features, and only the languages a Docker learner edits. Loaded
 * on the client only, when the editor first opens.
 */
import * as monaco from "monaco-editor/editor/editor.api";
import "monaco-editor/features/register.all";
import "monaco-editor/languages/definitions/dockerfile/register";
import "monaco-editor/languages/definitions/yaml/register";
import "monaco-editor/languages/definitions/shell/register";
import "monaco-editor/languages/definitions/python/register";
import "monaco-editor/languages/definitions/javascript/register";
import "monaco-editor/languages/definitions/ini/register";
import "monaco-editor/languages/definitions/markdown/register";
import { DockerfileLanguageServiceFactory } from "dockerfile-language-service";
import { composeKeysAt } from "@/lib/lint/compose/keys";
import { languageOf } from "./api";

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment;
  }
}

// The only worker needed: the editor's own (no language service runs in a worker here).
window.MonacoEnvironment = {
  getWorker: () => new Worker(new URL("monaco-editor/editor/editor.worker", import.meta.url), { type: "module" }),
};

/** Completion and hover for Dockerfiles from dockerfile-language-service (LSP types mapped to Monaco's). */
let registered = false;
export function registerDockerfileSupport(): void {
  if (registered) return;
  registered = true;
  const service = DockerfileLanguageServiceFactory.createLanguageService();
  service.setCapabilities({ completion: { completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"] } } });
  const kinds: Record<number, monaco.languages.CompletionItemKind> = {
    14: monaco.languages.CompletionItemKind.Keyword,
    15: monaco.languages.CompletionItemKind.Snippet,
    10: monaco.languages.CompletionItemKind.Property,
    12: monaco.languages.CompletionItemKind.Value,
  };
  monaco.languages.registerCompletionItemProvider("dockerfile", {
    triggerCharacters: [" ", "-", "=", "$", "{"],
    async provideCompletionItems(model, position) {
      const items = await service.computeCompletionItems(model.getValue(), { line: position.lineNumber - 1, character: position.column - 1 });
      const word = model.getWordUntilPosition(position);
      const fallback = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      return {
        suggestions: items.map((item) => {
          const edit = item.textEdit && "range" in item.textEdit ? item.textEdit : undefined;
          const range = edit
            ? new monaco.Range(edit.range.start.line + 1, edit.range.start.character + 1, edit.range.end.line + 1, edit.range.end.character + 1)
            : fallback;
          const documentation = service.resolveCompletionItem(item).documentation;
          return {
            label: item.label,
            kind: kinds[item.kind ?? 14] ?? monaco.languages.CompletionItemKind.Text,
            insertText: edit?.newText ?? item.insertText ?? item.label,
            insertTextRules: item.insertTextFormat === 2 ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
            documentation: typeof documentation === "string" ? documentation : documentation ? { value: documentation.value } : undefined,
            detail: item.detail,
            range,
          };
        }),
      };
    },
  });
  // Compose files: the keys the Compose schema allows where the cursor is.
  monaco.languages.registerCompletionItemProvider("yaml", {
    provideCompletionItems(model, position) {
      if (languageOf(model.uri.path).lint !== "compose") return { suggestions: [] };
      const word = model.getWordUntilPosition(position);
      const lineBefore = model.getLineContent(position.lineNumber).slice(0, word.startColumn - 1);
      if (!/^\s*(-\s+)?$/.test(lineBefore)) return { suggestions: [] }; // not where a key goes
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      return {
        suggestions: composeKeysAt(model.getValue(), position.lineNumber, word.startColumn).map((k) => ({
          label: k.key,
          kind: monaco.languages.CompletionItemKind.Property,
          insertText: `${k.key}: `,
          documentation: k.description,
          range,
        })),
      };
    },
  });
  monaco.languages.registerHoverProvider("dockerfile", {
    provideHover(model, position) {
      const hover = service.computeHover(model.getValue(), { line: position.lineNumber - 1, character: position.column - 1 });
      if (!hover) return null;
      const contents = Array.isArray(hover.contents) ? hover.contents : [hover.contents];
      return {
        contents: contents.map((c) => ({ value: typeof c === "string" ? c : c.value })),
      };
    },
  });
}

export { monaco };
