/** Maps core errors to JSON responses at the HTTP edge. */
import { PassThrough, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import type { ErrorBody } from "../protocol";
import { countHttpError } from "../server/context";
import { log } from "../server/log";
import { BadRequestError, isPlaygroundError } from "../sessions/errors";

export function errorResponse(e: unknown): Response {
  if (isPlaygroundError(e)) {
    const headers: Record<string, string> = {};
    if (e.retryAfterS !== undefined) headers["retry-after"] = String(e.retryAfterS);
    return errorJson(e.code, e.message, e.status, headers);
  }
  log("http_error", { error: String(e), stack: (e as Error)?.stack });
  return errorJson("internal", "Something went wrong on the server. It has been logged; try again.", 500);
}

/** An API error: `{ error: { code, message } }` with its status, counted by code for /metrics. */
export function errorJson(code: string, message: string, status: number, headers: Record<string, string> = {}): Response {
  countHttpError(code);
  return json<ErrorBody>({ error: { code, message } }, status, headers);
}

export function json<T>(body: T, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

/** Largest JSON body the API reads, in bytes. */
const MAX_BODY_BYTES = 256 * 1024;

/** A client that goes away mid-body is not the server's failure: a 400 (that nobody reads), not a logged 500. */
const cutOff = () => new BadRequestError("The body ended before it was complete.");

/** Reads a body up to MAX_BODY_BYTES, stopping as soon as it is larger: a huge body is never held. */
async function readLimited(req: Request): Promise<string> {
  const tooLarge = () => new BadRequestError(`The body is larger than ${MAX_BODY_BYTES} bytes.`);
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      throw cutOff();
    });
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The raw body as a Node stream, for uploads; it fails with a BadRequestError if the client goes away. */
export function bodyStream(req: Request): Readable {
  const out = new PassThrough();
  // It may be read only after an await: see hashing() in lib/sessions/files.ts.
  out.on("error", () => {});
  if (!req.body) {
    out.end();
    return out;
  }
  const body = Readable.fromWeb(req.body as WebReadableStream);
  body.on("error", () => out.destroy(cutOff()));
  return body.pipe(out);
}

/** Reads and validates a JSON body; an empty body is `{}` when `optional`. */
export async function readBody<T extends z.ZodType>(req: Request, schema: T, optional = false): Promise<z.infer<T>> {
  const text = await readLimited(req);
  if (!text.trim()) {
    if (optional) return schema.parse({});
    throw new BadRequestError("A JSON body is required.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError("The body is not valid JSON.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(`Invalid body: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Wraps a route handler so that every error becomes a JSON error response. */
export function handle<A extends unknown[]>(fn: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await fn(...args);
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** A handler for the methods a route does not serve: JSON like every other API error. */
export const methodNotAllowed = (allow: string) => async () =>
  errorJson("method_not_allowed", `This endpoint takes ${allow} only.`, 405, { allow });
