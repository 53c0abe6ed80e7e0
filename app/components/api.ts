import type { ErrorBody, SessionView } from "@/lib/protocol";

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
  try {
    res = await fetch(path, { cache: "no-store", ...init });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "network_error", NETWORK_MESSAGE);
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

export async function createSession(): Promise<SessionView> {
  const res = await request("/api/sessions", { method: "POST" });
  return (await res.json()) as SessionView;
}

export interface FetchedSession {
  view: SessionView;
  /** Server clock minus browser clock, in ms, so the countdown matches the server's deadline. */
  skewMs: number;
}

export async function fetchSession(id: string, signal?: AbortSignal): Promise<FetchedSession> {
  const res = await request(`/api/sessions/${encodeURIComponent(id)}`, { signal });
  const view = (await res.json()) as SessionView;
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
