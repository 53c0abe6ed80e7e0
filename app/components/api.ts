import type { ErrorBody, NodeView, PortView, SessionView, UploadResult } from "@/lib/protocol";
import type { CheckResult, CohortDashboard, RunView, WorkshopSummary, WorkshopView } from "@/lib/workshops/types";

/** A failed request, described for people. `status` is 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const NETWORK_MESSAGE = "Could not reach the playground server. Check your connection and try again.";

/** Seconds to wait from a Retry-After header, which may be a delay or an HTTP date. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

/** Reads an `{ error: { code, message } }` body, tolerating proxies that answer with HTML. */
async function toApiError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = `The server answered ${res.status} ${res.statusText}`.trim() + ".";
  try {
    const body = (await res.json()) as Partial<ErrorBody>;
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not JSON: keep the generic message.
  }
  if (res.status === 429) {
    const wait = retryAfterSeconds(res.headers.get("retry-after"));
    if (wait !== undefined) message += ` Try again in ${formatWait(wait)}.`;
  }
  return new ApiError(res.status, code, message);
}

async function request(path: string, init?: RequestInit): Promise<Response> {
  let res: Response;
  // A read that failed to connect is asked once more: Chromium drops connections being made
  // whenever the machine's network interfaces change (ERR_NETWORK_CHANGED), as Docker's do.
  const attempts = (init?.method ?? "GET") === "GET" ? 2 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      res = await fetch(path, { cache: "no-store", ...init });
      break;
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      if (attempt >= attempts) throw new ApiError(0, "network_error", NETWORK_MESSAGE);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

/** A plain session, or one following a workshop, or one seat of a class (with the attendee's name). */
export async function createSession(options: { workshop?: string; cohort?: string; name?: string } = {}): Promise<SessionView> {
  const res = await request("/api/sessions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(options),
  });
  const view = (await res.json()) as SessionView;
  handedOver = { ...withSkew(view, res), at: Date.now() };
  return view;
}

/** The session a Start in this tab just made: its page shows it at once instead of asking again. */
let handedOver: (FetchedSession & { at: number }) | undefined;

/** The view of the session this tab just started, when `id` is it and it is fresh; the page then skips its first request. */
export function startedSession(id: string): FetchedSession | undefined {
  return handedOver?.view.id === id && Date.now() - handedOver.at < 10_000 ? handedOver : undefined;
}

/** Same-origin path of a new session's page, whatever the server says. */
export function sessionPage(session: SessionView): string {
  return session.url?.startsWith("/") && !session.url.startsWith("//") ? session.url : `/s/${encodeURIComponent(session.id)}`;
}

export interface FetchedSession {
  view: SessionView;
  /** Server clock minus browser clock, in ms, so the countdown matches the server's deadline. */
  skewMs: number;
}

export async function fetchSession(id: string, signal?: AbortSignal): Promise<FetchedSession> {
  const res = await request(`/api/sessions/${encodeURIComponent(id)}`, { signal });
  return withSkew((await res.json()) as SessionView, res);
}

function withSkew(view: SessionView, res: Response): FetchedSession {
  // The Date header has one-second resolution: only trust it for real clock errors.
  const serverNow = Date.parse(res.headers.get("date") ?? "");
  const skew = Number.isNaN(serverNow) ? 0 : serverNow - Date.now();
  return { view, skewMs: Math.abs(skew) > 3000 ? skew : 0 };
}

export async function endSession(id: string): Promise<void> {
  try {
    await request(`/api/sessions/${encodeURIComponent(id)}`, { method: "DELETE" });
  } catch (err) {
    // Already gone is what we wanted.
    if (err instanceof ApiError && err.status === 404) return;
    throw err;
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const sessionPath = (id: string) => `/api/sessions/${encodeURIComponent(id)}`;
const nodePath = (id: string, node: string) => `${sessionPath(id)}/nodes/${encodeURIComponent(node)}`;
const jsonInit = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

export async function addNode(id: string): Promise<NodeView> {
  return (await (await request(`${sessionPath(id)}/nodes`, { method: "POST" })).json()) as NodeView;
}

export async function removeNode(id: string, node: string): Promise<void> {
  await request(nodePath(id, node), { method: "DELETE" });
}

/** Starts a stopped node (or its Docker engine) again; it answers at once, with the node starting. */
export async function restartNode(id: string, node: string): Promise<NodeView> {
  return (await (await request(`${nodePath(id, node)}/restart`, { method: "POST" })).json()) as NodeView;
}

export async function extendSession(id: string): Promise<SessionView> {
  return (await (await request(`${sessionPath(id)}/extend`, { method: "POST" })).json()) as SessionView;
}

export async function applyTemplate(id: string, template: "swarm-1-1" | "swarm-3-2"): Promise<SessionView> {
  return (await (await request(`${sessionPath(id)}/template`, jsonInit({ template }))).json()) as SessionView;
}

export async function fetchPorts(id: string, node: string, signal?: AbortSignal): Promise<PortView[]> {
  return (await (await request(`${nodePath(id, node)}/ports`, { signal })).json()) as PortView[];
}

export const downloadUrl = (id: string, node: string, path: string) =>
  `${nodePath(id, node)}/files/download?path=${encodeURIComponent(path)}`;

/**
 * Uploads one file to `path` in the node (relative to /root), reporting the
 * bytes sent. XMLHttpRequest because fetch cannot report upload progress.
 */
export function uploadFile(
  id: string,
  node: string,
  path: string,
  file: Blob,
  onProgress: (sentBytes: number) => void,
): { done: Promise<UploadResult>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadResult>((resolve, reject) => {
    xhr.open("PUT", `${nodePath(id, node)}/files?path=${encodeURIComponent(path)}`);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onerror = () => reject(new ApiError(0, "network_error", NETWORK_MESSAGE));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "The upload was cancelled."));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as UploadResult);
      const error = (body as Partial<ErrorBody> | undefined)?.error;
      reject(new ApiError(xhr.status, error?.code ?? `http_${xhr.status}`, error?.message ?? `The server answered ${xhr.status}.`));
    };
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

export interface SessionWorkshop {
  run: RunView;
  workshop: WorkshopView;
}

/** The workshop a session follows; undefined when it follows none. */
export async function fetchSessionWorkshop(id: string): Promise<SessionWorkshop | undefined> {
  try {
    return (await (await request(`${sessionPath(id)}/workshop`)).json()) as SessionWorkshop;
  } catch (err) {
    if (err instanceof ApiError && err.code === "no_workshop") return undefined;
    throw err;
  }
}

export async function startStep(id: string, n: number): Promise<{ run: RunView; type?: string }> {
  return (await (await request(`${sessionPath(id)}/workshop/steps/${n}/start`, { method: "POST" })).json()) as { run: RunView; type?: string };
}

export async function checkStep(id: string, n: number): Promise<CheckResult> {
  return (await (await request(`${sessionPath(id)}/workshop/steps/${n}/check`, { method: "POST" })).json()) as CheckResult;
}

export async function fetchWorkshops(): Promise<{ workshops: WorkshopSummary[]; problems: { folder: string; errors: string[] }[] }> {
  return (await (await request("/api/workshops")).json()) as { workshops: WorkshopSummary[]; problems: { folder: string; errors: string[] }[] };
}

/** Writes a lesson's file block into the node (folders are created). */
export async function writeNodeFile(id: string, node: string, path: string, text: string): Promise<void> {
  await request(`${nodePath(id, node)}/files?path=${encodeURIComponent(path)}`, { method: "PUT", body: text });
}

export interface CreatedCohort {
  id: string;
  code: string;
  joinPath: string;
  dashboardPath: string;
}

export async function createCohort(workshop: string, title?: string): Promise<CreatedCohort> {
  return (await (await request("/api/cohorts", jsonInit({ workshop, title }))).json()) as CreatedCohort;
}

export async function fetchJoin(code: string): Promise<{ title: string; workshop?: WorkshopSummary; seatsLeft: number }> {
  return (await (await request(`/api/join/${encodeURIComponent(code)}`)).json()) as { title: string; workshop?: WorkshopSummary; seatsLeft: number };
}

export async function fetchCohort(id: string): Promise<CohortDashboard> {
  return (await (await request(`/api/cohorts/${encodeURIComponent(id)}`)).json()) as CohortDashboard;
}
