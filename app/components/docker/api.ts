import type { ErrorBody } from "@/lib/protocol";
import type { ContainerAction } from "@/lib/images/refs";
import type { DockerSummary, ImageLayers } from "@/lib/images/types";
import { ApiError } from "../api";

/** The panel's API root for one node. Images travel by id (`sha256:...`), never by name. */
export const dockerBase = (sessionId: string, node: string) =>
  `/api/sessions/${encodeURIComponent(sessionId)}/nodes/${encodeURIComponent(node)}/docker`;

async function call(url: string, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { cache: "no-store", ...init });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "Could not reach the playground server. Check your connection.");
  }
  if (res.ok) return res;
  let code = `http_${res.status}`;
  let message = `The server answered ${res.status}.`;
  try {
    const body = (await res.json()) as Partial<ErrorBody>;
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // Not JSON (a proxy's page): keep the generic message.
  }
  throw new ApiError(res.status, code, message);
}

const seg = encodeURIComponent;

export const fetchSummary = async (base: string, signal?: AbortSignal) =>
  (await (await call(base, { signal })).json()) as DockerSummary;

export const runContainerAction = (base: string, id: string, action: ContainerAction) =>
  call(`${base}/containers/${seg(id)}/${action}`, { method: "POST" });

export const removeContainer = (base: string, id: string) => call(`${base}/containers/${seg(id)}`, { method: "DELETE" });

export const fetchLogs = async (base: string, id: string, tail: number, signal?: AbortSignal) =>
  (await call(`${base}/containers/${seg(id)}/logs?tail=${tail}`, { signal })).text();

export const removeImage = (base: string, id: string) => call(`${base}/images/${seg(id)}`, { method: "DELETE" });

export const fetchLayers = async (base: string, id: string, signal?: AbortSignal) =>
  (await (await call(`${base}/images/${seg(id)}/layers`, { signal })).json()) as ImageLayers;

export const removeVolume = (base: string, name: string) => call(`${base}/volumes/${seg(name)}`, { method: "DELETE" });

export const removeNetwork = (base: string, id: string) => call(`${base}/networks/${seg(id)}`, { method: "DELETE" });
