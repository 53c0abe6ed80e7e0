"use client";

import { useCallback, useRef, useState } from "react";
import { ApiError, downloadUrl, messageOf, uploadFile } from "../api";
import Popover from "./Popover";

interface Item {
  /** Where it goes, relative to /root. */
  path: string;
  file: File;
}

export type UploadState =
  | { kind: "idle" }
  | { kind: "uploading"; node: string; current: string; sent: number; total: number; files: number; done: number }
  | { kind: "done"; node: string; files: number; bytes: number; errors: string[] }
  | { kind: "refused"; message: string };

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;

/** Files and folders in a drop, with their paths inside the dropped folders. */
async function itemsOf(data: DataTransfer): Promise<Item[]> {
  const entries = [...data.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return [...data.files].map((file) => ({ path: file.name, file }));
  const items: Item[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      items.push({ path: prefix + entry.name, file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries gives at most 100 entries at a time: read until it gives none.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, "");
  return items;
}

/** Uploads files into a node one after the other, with one progress bar for all. */
export function useUploader(sessionId: string, maxBytes: number | undefined) {
  const [state, setState] = useState<UploadState>({ kind: "idle" });
  const abortRef = useRef<(() => void) | null>(null);
  const busy = state.kind === "uploading";

  const upload = useCallback(
    async (node: string, items: Item[]) => {
      if (items.length === 0) return;
      const tooBig = maxBytes ? items.filter((i) => i.file.size > maxBytes) : [];
      if (tooBig.length) {
        setState({
          kind: "refused",
          message: `${tooBig.map((i) => `${i.path} (${mib(i.file.size)})`).join(", ")} ${tooBig.length > 1 ? "are" : "is"} larger than the ${mib(maxBytes!)} an upload may carry. Nothing was uploaded. Large files are better fetched inside the node (curl, git clone).`,
        });
        return;
      }
      const total = items.reduce((n, i) => n + i.file.size, 0);
      let before = 0;
      const errors: string[] = [];
      for (const [index, item] of items.entries()) {
        setState({ kind: "uploading", node, current: item.path, sent: before, total, files: items.length, done: index });
        const { done, abort } = uploadFile(sessionId, node, item.path, item.file, (sent) =>
          setState((s) => (s.kind === "uploading" ? { ...s, sent: before + sent } : s)),
        );
        abortRef.current = abort;
        try {
          await done;
        } catch (e) {
          if (e instanceof ApiError && e.code === "aborted") {
            errors.push("Cancelled: the remaining files were not uploaded.");
            break;
          }
          errors.push(`${item.path}: ${messageOf(e)}`);
        }
        before += item.file.size;
      }
      abortRef.current = null;
      setState({ kind: "done", node, files: items.length, bytes: total, errors });
    },
    [sessionId, maxBytes],
  );

  return {
    state,
    busy,
    dismiss: () => setState({ kind: "idle" }),
    cancel: () => abortRef.current?.(),
    uploadList: (node: string, files: FileList | null) =>
      upload(node, [...(files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }))),
    uploadDrop: async (node: string, data: DataTransfer) => upload(node, await itemsOf(data)),
  };
}

/** Wraps the terminal: files dropped on it are uploaded to the node's /root. */
export function DropZone({
  node,
  enabled,
  onDrop,
  children,
}: {
  node: string;
  enabled: boolean;
  onDrop: (data: DataTransfer) => void;
  children: React.ReactNode;
}) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const hasFiles = (e: React.DragEvent) => enabled && [...e.dataTransfer.types].includes("Files");
  return (
    <div
      className="relative h-full min-h-0"
      data-testid="drop-zone"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={() => {
        if (--depth.current <= 0) {
          depth.current = 0;
          setOver(false);
        }
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        onDrop(e.dataTransfer);
      }}
    >
      {children}
      {over && (
        <div className="pointer-events-none absolute inset-0 z-20 flex items-center justify-center rounded-md border-2 border-dashed border-sky-400 bg-sky-950/70">
          <p className="rounded-lg bg-slate-900 px-5 py-3 text-slate-100 shadow-xl">
            Drop to upload into <span className="font-mono">/root</span> of <span className="font-mono">{node}</span>
          </p>
        </div>
      )}
    </div>
  );
}

/** The progress of an upload, and its outcome. */
export function UploadStatus({ state, onDismiss, onCancel }: { state: UploadState; onDismiss: () => void; onCancel: () => void }) {
  if (state.kind === "idle") return null;
  return (
    <div className="absolute bottom-4 right-4 z-30 w-80 rounded-lg border border-slate-700 bg-slate-900 p-3 text-sm text-slate-200 shadow-2xl">
      {state.kind === "uploading" && (
        <div data-testid="upload-progress" className="space-y-2">
          <div className="flex justify-between gap-2">
            <span className="truncate">
              Uploading {state.done + 1} of {state.files}: <span className="font-mono">{state.current}</span>
            </span>
            <button type="button" onClick={onCancel} className="text-xs text-slate-400 hover:text-slate-100">
              Cancel
            </button>
          </div>
          <progress className="h-2 w-full accent-sky-400" max={state.total || 1} value={state.sent} />
          <p className="text-xs text-slate-400">
            {mib(state.sent)} of {mib(state.total)}
          </p>
        </div>
      )}
      {state.kind === "done" && (
        <div data-testid="upload-result" className="space-y-1">
          <p className={state.errors.length ? "text-amber-200" : "text-emerald-200"}>
            {state.errors.length
              ? `${state.files - state.errors.length} of ${state.files} files uploaded to ${state.node}.`
              : `${state.files} file${state.files > 1 ? "s" : ""} (${mib(state.bytes)}) uploaded to /root in ${state.node}.`}
          </p>
          {state.errors.map((e, i) => (
            <p key={i} className="text-xs text-red-200">
              {e}
            </p>
          ))}
        </div>
      )}
      {state.kind === "refused" && (
        <p role="alert" data-testid="upload-refused" className="text-amber-200">
          {state.message}
        </p>
      )}
      {state.kind !== "uploading" && (
        <button type="button" onClick={onDismiss} className="mt-2 text-xs text-slate-400 hover:text-slate-100">
          Dismiss
        </button>
      )}
    </div>
  );
}

/** Upload files or a folder, and download any path of the node. */
export function FilesMenu({
  sessionId,
  node,
  canUpload,
  onFiles,
}: {
  sessionId: string;
  node: string;
  canUpload: boolean;
  onFiles: (files: FileList | null) => void;
}) {
  const [path, setPath] = useState("");
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  return (
    <Popover label="Files" testId="files-menu" className="border-transparent py-0.5">
      {(close) => (
        <div className="w-80 space-y-3">
          {canUpload && (
            <div className="space-y-1">
              <p className="font-medium">Upload to /root of {node}</p>
              <p className="text-xs text-slate-400">Or drop files and folders on the terminal.</p>
              <div className="flex gap-2">
                <button type="button" onClick={() => files.current?.click()} className="rounded bg-slate-700 px-2 py-1 text-xs hover:bg-slate-600">
                  Files…
                </button>
                <button type="button" onClick={() => folder.current?.click()} className="rounded bg-slate-700 px-2 py-1 text-xs hover:bg-slate-600">
                  Folder…
                </button>
              </div>
              <input
                ref={files}
                type="file"
                multiple
                hidden
                data-testid="upload-input"
                onChange={(e) => {
                  onFiles(e.target.files);
                  e.target.value = "";
                  close();
                }}
              />
              <input
                ref={folder}
                type="file"
                hidden
                {...{ webkitdirectory: "" }}
                onChange={(e) => {
                  onFiles(e.target.files);
                  e.target.value = "";
                  close();
                }}
              />
            </div>
          )}
          <form
            className="space-y-1"
            onSubmit={(e) => {
              e.preventDefault();
              if (!path.trim()) return;
              window.open(downloadUrl(sessionId, node, path.trim()), "_blank", "noopener");
            }}
          >
            <p className="font-medium">Download from {node}</p>
            <p className="text-xs text-slate-400">A file as it is, a folder as a .tar archive. Relative paths start at /root.</p>
            <div className="flex gap-2">
              <input
                value={path}
                onChange={(e) => setPath(e.target.value)}
                placeholder="app/Dockerfile or /etc/hosts"
                aria-label="Path to download"
                data-testid="download-path"
                className="min-w-0 flex-1 rounded border border-slate-700 bg-slate-950 px-2 py-1 font-mono text-xs"
              />
              <button type="submit" data-testid="download" className="rounded bg-slate-700 px-2 py-1 text-xs hover:bg-slate-600">
                Download
              </button>
            </div>
          </form>
        </div>
      )}
    </Popover>
  );
}
