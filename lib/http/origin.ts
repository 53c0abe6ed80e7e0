/**
 * Cross-site WebSocket hijacking guard: a terminal socket is accepted only
 * from a page of the playground itself (same host as the request), or from
 * an origin the operator listed. Browsers always send Origin on WebSockets;
 * a request without one is not from a browser page and is allowed.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return !!host && url.host === host.toLowerCase();
}
