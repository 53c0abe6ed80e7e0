/** The node's files, for the editor: list, read, save (refusing to overwrite changes made in the node), and manage. */
import { ApiError } from "../api";

export interface FolderEntry {
  name: string;
  kind: "file" | "folder" | "link" | "other";
  size: number;
  mtime: number;
}

export interface FolderListing {
  kind: "folder";
  path: string;
  entries: FolderEntry[];
  truncated?: boolean;
}

export interface FileContent {
  kind: "file";
  path: string;
  content: string;
  size: number;
  mtime: number;
  version: string;
}

const base = (id: string, node: string) => `/api/sessions/${encodeURIComponent(id)}/nodes/${encodeURIComponent(node)}/files`;

async function call(url: string, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { cache: "no-store", ...init });
  } catch {
    throw new ApiError(0, "network_error", "Could not reach the playground server. Check your connection and try again.");
  }
  if (res.ok) return res;
  let code = `http_${res.status}`;
  let message = `The server answered ${res.status}.`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // not JSON
  }
  throw new ApiError(res.status, code, message);
}

export async function readPath(id: string, node: string, path: string): Promise<FolderListing | FileContent> {
  return (await (await call(`${base(id, node)}?path=${encodeURIComponent(path)}`)).json()) as FolderListing | FileContent;
}

/** Saves; with `version`, the server refuses (409 file_changed) when the file changed since it was read. */
export async function saveFile(id: string, node: string, path: string, content: string, version?: string): Promise<{ version: string }> {
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (version) headers["if-match"] = version;
  const res = await call(`${base(id, node)}?path=${encodeURIComponent(path)}`, { method: "PUT", headers, body: content });
  return (await res.json()) as { version: string };
}

export async function deletePath(id: string, node: string, path: string): Promise<void> {
  await call(`${base(id, node)}?path=${encodeURIComponent(path)}`, { method: "DELETE" });
}

export async function movePath(id: string, node: string, from: string, to: string): Promise<void> {
  await call(`${base(id, node)}/move`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from, to }) });
}

export async function makeFolder(id: string, node: string, path: string): Promise<void> {
  await call(`${base(id, node)}/folder`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ path }) });
}

/** What the editor makes of a file name: Monaco's language, and which checks apply. */
export function languageOf(path: string): { language: string; lint?: "dockerfile" | "compose" } {
  const name = path.split("/").pop()!.toLowerCase();
  if (name === "dockerfile" || name.startsWith("dockerfile.") || name.endsWith(".dockerfile") || name === "containerfile") {
    return { language: "dockerfile", lint: "dockerfile" };
  }
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(name)) return { language: "yaml", lint: "compose" };
  if (/\.ya?ml$/.test(name)) return { language: "yaml" };
  if (/\.(sh|bash)$/.test(name) || name === ".bashrc" || name === ".profile") return { language: "shell" };
  if (name.endsWith(".py")) return { language: "python" };
  if (/\.(m?js|cjs|jsx|json)$/.test(name)) return { language: "javascript" };
  if (/\.(ini|conf|cfg|env)$/.test(name) || name === ".env") return { language: "ini" };
  if (name.endsWith(".md")) return { language: "markdown" };
  return { language: "plaintext" };
}

export const joinPath = (folder: string, name: string) => (folder.endsWith("/") ? folder + name : `${folder}/${name}`);
export const parentOf = (path: string) => path.slice(0, path.lastIndexOf("/")) || "/";
