/**
 * Requests Next.js would fail with a 500: it throws on a method no route
 * handler can export (TRACE, PROPFIND, ...) under /api/, and on a path that
 * is not valid percent-encoding (`%zz`, `%C0%AF`) wherever a route takes a
 * parameter (/api/sessions/%zz, /s/%zz). They are answered here, before Next
 * sees them: with the API's usual JSON errors under /api/, in plain text
 * elsewhere.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorJson } from "../http/respond";

/** The methods a route handler can serve. */
const API_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"];
const BAD_ENCODING = "The path is not valid percent-encoding (a % must start a UTF-8 byte in hex).";

/** Answers the request (and returns true) if Next could not; false leaves it to Next. */
export function refuseUnroutable(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? "/").split("?", 1)[0]!;
  const api = path.startsWith("/api/");
  let answer: Response;
  if (api && !API_METHODS.includes(req.method ?? "")) {
    answer = errorJson("method_not_allowed", `The API does not take ${req.method} requests.`, 405, { allow: API_METHODS.join(", ") });
  } else if (decodable(path)) {
    return false;
  } else if (api) {
    answer = errorJson("bad_request", BAD_ENCODING, 400);
  } else {
    answer = new Response(`${BAD_ENCODING}\n`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  res.writeHead(answer.status, Object.fromEntries(answer.headers));
  void answer.text().then((body) => res.end(body));
  return true;
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
