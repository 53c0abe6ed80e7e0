"use client";

import { useCallback, useEffect, useState } from "react";
import { messageOf } from "../api";
import { deletePath, joinPath, makeFolder, movePath, parentOf, readPath, saveFile, type FolderEntry } from "./api";

interface Props {
  sessionId: string;
  node: string;
  root: string;
  selected?: string;
  readOnly: boolean;
  /** Bumped by the parent to reload every open folder (after a save, a build...). */
  refreshKey: number;
  onOpen: (path: string) => void;
  /** A file or folder was renamed or deleted: the editor may have it open. */
  onChanged: (change: { kind: "moved"; from: string; to: string } | { kind: "deleted"; path: string }) => void;
}

/** The node's working folder as a tree, folders loaded when opened. */
export default function FileTree({ sessionId, node, root, selected, readOnly, refreshKey, onOpen, onChanged }: Props) {
  const [folders, setFolders] = useState<Record<string, FolderEntry[] | "loading" | { error: string }>>({});
  const [open, setOpen] = useState<Set<string>>(() => new Set([root]));
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (path: string) => {
      try {
        const found = await readPath(sessionId, node, path);
        setFolders((f) => ({ ...f, [path]: found.kind === "folder" ? found.entries : { error: "not a folder" } }));
      } catch (e) {
        setFolders((f) => ({ ...f, [path]: { error: messageOf(e) } }));
      }
    },
    [sessionId, node],
  );

  useEffect(() => {
    for (const path of open) void load(path);
    // Reload what is open when asked; opening a folder loads it below.
  }, [load, refreshKey]);

  function toggle(path: string) {
    setOpen((o) => {
      const next = new Set(o);
      if (next.has(path)) next.delete(path);
      else {
        next.add(path);
        void load(path);
      }
      return next;
    });
  }

  async function act(what: () => Promise<void>, reload: string[]) {
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(messageOf(e));
    }
    for (const path of reload) void load(path);
  }

  function create(kind: "file" | "folder", inFolder: string) {
    const name = prompt(kind === "file" ? `New file in ${inFolder}` : `New folder in ${inFolder}`);
    if (!name?.trim()) return;
    const path = name.startsWith("/") ? name.trim() : joinPath(inFolder, name.trim());
    void act(async () => {
      if (kind === "folder") await makeFolder(sessionId, node, path);
      else {
        await saveFile(sessionId, node, path, "");
        onOpen(path);
      }
    }, [inFolder, parentOf(path)]);
  }

  function rename(path: string) {
    const to = prompt(`Rename or move ${path} to`, path);
    if (!to?.trim() || to.trim() === path) return;
    void act(async () => {
      await movePath(sessionId, node, path, to.trim());
      onChanged({ kind: "moved", from: path, to: to.trim() });
    }, [parentOf(path), parentOf(to.trim())]);
  }

  function remove(path: string, kind: FolderEntry["kind"]) {
    if (!confirm(`Delete ${path}${kind === "folder" ? " and everything in it" : ""}?`)) return;
    void act(async () => {
      await deletePath(sessionId, node, path);
      onChanged({ kind: "deleted", path });
    }, [parentOf(path)]);
  }

  function renderFolder(path: string, depth: number): React.ReactNode {
    const entries = folders[path];
    if (entries === undefined || entries === "loading") return <p className="px-2 py-1 text-xs text-slate-400" style={{ paddingLeft: depth * 12 + 8 }}>Loading…</p>;
    if ("error" in entries) return <p className="px-2 py-1 text-xs text-red-300" style={{ paddingLeft: depth * 12 + 8 }}>{entries.error}</p>;
    if (entries.length === 0) return <p className="px-2 py-1 text-xs text-slate-400" style={{ paddingLeft: depth * 12 + 8 }}>empty</p>;
    return entries.map((entry) => {
      const full = joinPath(path, entry.name);
      const isFolder = entry.kind === "folder";
      return (
        <div key={full}>
          <div
            className={`group flex items-center gap-1 pr-1 text-sm ${selected === full ? "bg-sky-500/20 text-sky-100" : "text-slate-300 hover:bg-slate-800"}`}
            style={{ paddingLeft: depth * 12 + 4 }}
          >
            <button
              type="button"
              data-testid="tree-entry"
              data-path={full}
              data-kind={entry.kind}
              onClick={() => (isFolder ? toggle(full) : onOpen(full))}
              className="flex min-w-0 flex-1 items-center gap-1.5 py-0.5 text-left"
              title={full}
            >
              <span aria-hidden className="w-3 shrink-0 text-center text-xs text-slate-400">
                {isFolder ? (open.has(full) ? "▾" : "▸") : ""}
              </span>
              <span className={`truncate ${isFolder ? "text-slate-200" : ""} ${entry.name.startsWith(".") ? "opacity-60" : ""}`}>{entry.name}</span>
            </button>
            {!readOnly && (
              <span className="hidden shrink-0 gap-0.5 group-hover:flex">
                {isFolder && (
                  <button type="button" title="New file here" onClick={() => create("file", full)} className="rounded px-1 text-xs text-slate-400 hover:bg-slate-700">
                    +
                  </button>
                )}
                <button type="button" title="Rename" onClick={() => rename(full)} className="rounded px-1 text-xs text-slate-400 hover:bg-slate-700">
                  ✎
                </button>
                <button type="button" title="Delete" data-testid="tree-delete" onClick={() => remove(full, entry.kind)} className="rounded px-1 text-xs text-slate-400 hover:bg-red-500/30">
                  ×
                </button>
              </span>
            )}
          </div>
          {isFolder && open.has(full) && renderFolder(full, depth + 1)}
        </div>
      );
    });
  }

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="file-tree">
      <div className="flex items-center gap-1 border-b border-slate-800 px-2 py-1 text-xs text-slate-400">
        <span className="flex-1 truncate font-mono" title={root}>
          {node}:{root}
        </span>
        {!readOnly && (
          <>
            <button type="button" data-testid="tree-new-file" onClick={() => create("file", root)} className="rounded px-1.5 py-0.5 hover:bg-slate-800" title="New file">
              + file
            </button>
            <button type="button" onClick={() => create("folder", root)} className="rounded px-1.5 py-0.5 hover:bg-slate-800" title="New folder">
              + folder
            </button>
          </>
        )}
        <button type="button" data-testid="tree-refresh" onClick={() => [...open].forEach((p) => void load(p))} className="rounded px-1.5 py-0.5 hover:bg-slate-800" title="Refresh">
          ⟳
        </button>
      </div>
      {error && (
        <p role="alert" className="border-b border-red-500/30 bg-red-950/50 px-2 py-1 text-xs text-red-200">
          {error}
        </p>
      )}
      <div className="min-h-0 flex-1 overflow-auto py-1">{renderFolder(root, 0)}</div>
    </div>
  );
}
