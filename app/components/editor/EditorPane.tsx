"use client";

import type { Diagnostic } from "@/lib/protocol";
import { lint } from "@/lib/lint";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, messageOf } from "../api";
import { languageOf, parentOf, readPath, saveFile } from "./api";
import { readStored, writeStored } from "../storage";
import FileTree from "./FileTree";
import { monaco, registerDockerfileSupport } from "./monaco";

declare global {
  interface Window {
    /** The editor, so end-to-end tests can read markers and content. */
    __playgroundEditor?: { monaco: typeof monaco; editor: monaco.editor.IStandaloneCodeEditor };
  }
}

export type EditorRequest =
  | { kind: "edit"; path: string; nonce: number }
  | { kind: "error"; file: string; line: number; message: string; nonce: number };

interface Props {
  sessionId: string;
  node: string;
  readOnly: boolean;
  /** Something asked to open a file, or to show an error at a line (from the node's terminal). */
  request?: EditorRequest;
  /** Types a command into the node's terminal. */
  onRun: (command: string) => void;
  /** Whether the pane has a file (or a notice) to show beside the tree: until then it is only as wide as the tree. */
  onWide?: (wide: boolean) => void;
}

interface OpenFile {
  path: string;
  version: string;
  language: string;
  lint?: "dockerfile" | "compose";
}

const ROOT = "/root";
const LINT_DELAY_MS = 250;
/** Whether the file tree stands beside an open file: "hidden" or "shown". */
const TREE_KEY = "playground.editor.tree";

/** A word for the shell: single-quoted unless it is plainly safe. */
export const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const severityOf = (s: Diagnostic["severity"]) =>
  s === "error" ? monaco.MarkerSeverity.Error : s === "warning" ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info;

export default function EditorPane({ sessionId, node, readOnly, request, onRun, onWide }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const [file, setFile] = useState<OpenFile | null>(null);
  const fileRef = useRef<OpenFile | null>(null);
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState<Diagnostic[]>([]);
  const [conflict, setConflict] = useState(false);
  const [notice, setNotice] = useState<{ kind: "error" | "info"; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const [refreshKey, setRefreshKey] = useState(0);
  const savedText = useRef("");
  const saveRef = useRef<(force?: boolean) => Promise<boolean>>(async () => false);

  // The editor itself, once.
  useEffect(() => {
    registerDockerfileSupport();
    monaco.editor.defineTheme("playground-dark", {
      base: "vs-dark",
      inherit: true,
      // Comments and line numbers bright enough to read (WCAG AA, 4.5:1 on the background).
      rules: [{ token: "comment", foreground: "7fb069" }],
      colors: {
        "editor.background": "#0b1120",
        "editorGutter.background": "#0b1120",
        "editor.lineHighlightBackground": "#1e293b80",
        "editorLineNumber.foreground": "#8b9bb4",
        "editorLineNumber.dimmedForeground": "#8b9bb4",
        "editorLineNumber.activeForeground": "#e2e8f0",
      },
    });
    const editor = monaco.editor.create(host.current!, {
      theme: "playground-dark",
      automaticLayout: true,
      fontSize: 13,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      readOnly,
      tabSize: 2,
      renderWhitespace: "boundary",
      fixedOverflowWidgets: true,
      model: null,
    });
    editorRef.current = editor;
    window.__playgroundEditor = { monaco, editor };
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => void saveRef.current());
    return () => {
      editor.getModel()?.dispose();
      editor.dispose();
      editorRef.current = null;
      delete window.__playgroundEditor;
    };
    // readOnly changes are applied below; the editor is made once.
  }, []);

  useEffect(() => editorRef.current?.updateOptions({ readOnly }), [readOnly]);

  // Checks as you type, with the same module the server's /api/lint uses.
  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (!editor || !model || !file) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      const text = model.getValue();
      setDirty(text !== savedText.current);
      if (!file.lint) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const found = lint(file.lint!, text);
        setProblems(found);
        monaco.editor.setModelMarkers(
          model,
          "playground",
          found.map((d) => ({
            startLineNumber: d.line,
            startColumn: d.column,
            endLineNumber: d.endLine,
            endColumn: d.endColumn,
            severity: severityOf(d.severity),
            message: d.message,
            source: d.source,
          })),
        );
      }, LINT_DELAY_MS);
    };
    check();
    const sub = model.onDidChangeContent(check);
    return () => {
      clearTimeout(timer);
      sub.dispose();
    };
  }, [file]);

  const open = useCallback(
    async (path: string, force = false) => {
      const current = fileRef.current;
      if (!force && current && current.path !== path && editorRef.current?.getModel()?.getValue() !== savedText.current) {
        if (!confirm(`${current.path} has unsaved changes. Open ${path} anyway and lose them?`)) return false;
      }
      setNotice(null);
      try {
        const found = await readPath(sessionId, node, path);
        if (found.kind !== "file") {
          setNotice({ kind: "error", text: `${path} is a folder.` });
          return false;
        }
        const { language, lint: kind } = languageOf(found.path);
        const editor = editorRef.current!;
        editor.getModel()?.dispose();
        // The path in the model's URI tells the completion providers what the file is.
        const model = monaco.editor.createModel(found.content, language, monaco.Uri.file(found.path));
        editor.setModel(model);
        savedText.current = found.content;
        const next = { path: found.path, version: found.version, language, lint: kind };
        fileRef.current = next;
        setFile(next);
        setDirty(false);
        setConflict(false);
        setProblems([]);
        return true;
      } catch (e) {
        setNotice({ kind: "error", text: messageOf(e) });
        return false;
      }
    },
    [sessionId, node],
  );

  const save = useCallback(
    async (force = false): Promise<boolean> => {
      const current = fileRef.current;
      const model = editorRef.current?.getModel();
      if (!current || !model || readOnly) return false;
      const text = model.getValue();
      setSaving(true);
      setNotice(null);
      try {
        const { version } = await saveFile(sessionId, node, current.path, text, force ? undefined : current.version);
        savedText.current = text;
        fileRef.current = { ...current, version };
        setFile(fileRef.current);
        setDirty(model.getValue() !== text);
        setConflict(false);
        setRefreshKey((k) => k + 1);
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.code === "file_changed") setConflict(true);
        else setNotice({ kind: "error", text: `Not saved: ${messageOf(e)}` });
        return false;
      } finally {
        setSaving(false);
      }
    },
    [sessionId, node, readOnly],
  );
  saveRef.current = save;

  // Requests from the node's terminal: `edit FILE`, and errors Docker reported at a line.
  const seen = useRef(0);
  useEffect(() => {
    if (!request || request.nonce === seen.current) return;
    seen.current = request.nonce;
    void (async () => {
      if (request.kind === "edit") return void (await open(request.path));
      if (fileRef.current?.path !== request.file && !(await open(request.file))) return;
      const model = editorRef.current?.getModel();
      if (!model) return;
      const line = Math.min(request.line, model.getLineCount());
      monaco.editor.setModelMarkers(model, "docker", [
        {
          startLineNumber: line,
          startColumn: model.getLineFirstNonWhitespaceColumn(line) || 1,
          endLineNumber: line,
          endColumn: model.getLineMaxColumn(line),
          severity: monaco.MarkerSeverity.Error,
          message: `Docker: ${request.message}`,
          source: "docker",
        },
      ]);
      editorRef.current?.revealLineInCenter(line);
      setNotice({ kind: "error", text: `Docker reported an error at line ${line}: ${request.message}` });
    })();
  }, [request, open]);

  // A fresh node: nothing is open.
  useEffect(() => {
    editorRef.current?.getModel()?.dispose();
    editorRef.current?.setModel(null);
    fileRef.current = null;
    setFile(null);
    setProblems([]);
  }, [node]);

  async function build() {
    if (!file) return;
    const folder = parentOf(file.path);
    const suggested = `${folder.split("/").pop()?.toLowerCase().replace(/[^a-z0-9._-]/g, "") || "app"}:latest`;
    const tag = prompt("Build the image with the tag", suggested)?.trim();
    if (!tag) return;
    if (!/^[a-z0-9][a-z0-9._/-]*(:[\w][\w.-]{0,127})?$/.test(tag)) {
      setNotice({ kind: "error", text: `"${tag}" is not a valid image name: use lower-case letters, digits, . _ - /, and an optional :tag, e.g. myapp:1.0.` });
      return;
    }
    if (dirty && !(await save())) return;
    onRun(`playground-build -t ${shellWord(tag)} -f ${shellWord(file.path)} ${shellWord(folder)}`);
  }

  async function compose(args: string) {
    if (!file) return;
    if (dirty && !(await save())) return;
    const tool = args.startsWith("logs") ? "docker compose" : "playground-compose";
    onRun(`${tool} -f ${shellWord(file.path)} ${args}`);
  }

  const errors = problems.filter((p) => p.severity === "error").length;
  const wide = !!file || !!notice;
  // Beside an open file the tree can step aside, for the editor's lines (kept per browser); with no file it is all there is.
  const [treeShown, setTreeShown] = useState(() => typeof window === "undefined" || readStored(TREE_KEY) !== "hidden");
  /** Set when a file opened from the tree takes the tree's place: the editor gets the focus once shown. */
  const focusOnOpen = useRef(false);
  useEffect(() => {
    if (!file || !focusOnOpen.current) return;
    focusOnOpen.current = false;
    editorRef.current?.focus();
  }, [file]);
  const toggleTree = () => {
    setTreeShown((shown) => {
      writeStored(TREE_KEY, shown ? "hidden" : "shown");
      return !shown;
    });
  };
  useEffect(() => onWide?.(wide), [wide, onWide]);
  return (
    <div className="flex h-full min-h-0" data-testid="editor-pane" data-wide={wide}>
      <div data-testid="editor-tree" className={`min-w-0 flex-col border-r border-slate-800 ${wide ? `w-56 shrink-0 ${treeShown || !file ? "flex" : "hidden"}` : "flex flex-1"}`}>
        <div className="min-h-0 flex-1">
        <FileTree
          sessionId={sessionId}
          node={node}
          root={ROOT}
          selected={file?.path}
          readOnly={readOnly}
          refreshKey={refreshKey}
          onOpen={(path) => {
            // The tree steps aside as the file opens: the keyboard goes to the file, not to nowhere.
            focusOnOpen.current = !treeShown;
            void open(path);
          }}
          onChanged={(change) => {
            const current = fileRef.current;
            if (!current) return;
            if (change.kind === "deleted" && (current.path === change.path || current.path.startsWith(`${change.path}/`))) {
              setNotice({ kind: "info", text: `${current.path} was deleted; saving will create it again.` });
            }
            if (change.kind === "moved" && current.path === change.from) void open(change.to, true);
          }}
        />
        </div>
        {!wide && (
          <p data-testid="editor-hint" className="border-t border-slate-800 px-3 py-2 text-xs text-slate-400">
            Open a file from the tree, or type <code className="text-slate-400">edit FILE</code> in the terminal.
          </p>
        )}
      </div>
      <div className={`min-w-0 flex-1 flex-col ${wide ? "flex" : "hidden"}`}>
        <div className="flex flex-wrap items-center gap-2 border-b border-slate-800 px-2 py-1 text-sm">
          <button
            type="button"
            data-testid="editor-tree-toggle"
            aria-pressed={treeShown}
            aria-label="File tree"
            title={treeShown ? "Hide the file tree" : "Show the file tree"}
            onClick={toggleTree}
            className="rounded px-1.5 py-0.5 font-mono text-slate-400 hover:bg-slate-800 hover:text-slate-200"
          >
            {treeShown ? "◂" : "▸"}
          </button>
          <span className="min-w-0 flex-1 truncate font-mono text-slate-300" data-testid="editor-file">
            {file ? file.path : "Open a file from the tree, or type edit FILE in the terminal"}
            {dirty && (
              <span data-testid="editor-dirty" title="Unsaved changes" className="ml-2 text-amber-300">
                ●
              </span>
            )}
          </span>
          {file && problems.length > 0 && (
            <span data-testid="problem-count" className={errors ? "text-red-300" : "text-amber-300"}>
              {problems.length} problem{problems.length > 1 ? "s" : ""}
            </span>
          )}
          {file && !readOnly && (
            <>
              <button type="button" data-testid="editor-save" onClick={() => void save()} disabled={saving || !dirty} className="rounded px-2 py-0.5 text-slate-200 hover:bg-slate-800 disabled:opacity-40" title="Save (Ctrl+S)">
                {saving ? "Saving…" : "Save"}
              </button>
              {file.lint === "dockerfile" && (
                <button type="button" data-testid="editor-build" onClick={() => void build()} className="rounded px-2 py-0.5 text-sky-300 hover:bg-slate-800">
                  Build
                </button>
              )}
              {file.lint === "compose" && (
                <>
                  <button type="button" data-testid="editor-up" onClick={() => void compose("up -d")} className="rounded px-2 py-0.5 text-sky-300 hover:bg-slate-800">
                    Up
                  </button>
                  <button type="button" data-testid="editor-down" onClick={() => void compose("down")} className="rounded px-2 py-0.5 text-sky-300 hover:bg-slate-800">
                    Down
                  </button>
                  <button type="button" data-testid="editor-logs" onClick={() => void compose("logs --tail 100")} className="rounded px-2 py-0.5 text-sky-300 hover:bg-slate-800">
                    Logs
                  </button>
                </>
              )}
            </>
          )}
        </div>
        {conflict && (
          <div role="alert" data-testid="editor-conflict" className="flex flex-wrap items-center gap-2 border-b border-amber-500/40 bg-amber-950/60 px-2 py-1 text-sm text-amber-100">
            <span className="flex-1">This file changed in {node} since you opened it. Saving now would overwrite that change.</span>
            <button type="button" onClick={() => file && void open(file.path, true)} className="rounded bg-slate-700 px-2 py-0.5 hover:bg-slate-600">
              Load theirs
            </button>
            <button type="button" data-testid="editor-overwrite" onClick={() => void save(true)} className="rounded bg-amber-500 px-2 py-0.5 font-semibold text-slate-900 hover:bg-amber-400">
              Overwrite
            </button>
          </div>
        )}
        {notice && (
          <p role={notice.kind === "error" ? "alert" : "status"} data-testid="editor-notice" className={`border-b px-2 py-1 text-sm ${notice.kind === "error" ? "border-red-500/30 bg-red-950/50 text-red-100" : "border-slate-700 bg-slate-900 text-slate-300"}`}>
            {notice.text}
          </p>
        )}
        <div ref={host} className="min-h-0 flex-1" data-testid="editor" />
        {problems.length > 0 && (
          <ul className="max-h-32 shrink-0 overflow-auto border-t border-slate-800 py-1 text-xs" data-testid="problems">
            {problems.map((p, i) => (
              <li key={i}>
                <button
                  type="button"
                  data-testid="problem"
                  data-line={p.line}
                  onClick={() => {
                    editorRef.current?.revealLineInCenter(p.line);
                    editorRef.current?.setPosition({ lineNumber: p.line, column: p.column });
                    editorRef.current?.focus();
                  }}
                  className="flex w-full gap-2 px-2 py-0.5 text-left hover:bg-slate-800"
                >
                  <span className={p.severity === "error" ? "text-red-300" : p.severity === "warning" ? "text-amber-300" : "text-sky-300"}>{p.severity}</span>
                  <span className="shrink-0 font-mono text-slate-400">line {p.line}</span>
                  <span className="text-slate-200">{p.message}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

