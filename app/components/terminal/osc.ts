/**
 * Requests from inside a node, carried in the terminal's output as a private
 * OSC escape sequence (printed by `edit` and `playground-build` in the node):
 *   ESC ] 7701 ; edit ; <base64 of an absolute path> BEL
 *   ESC ] 7701 ; error ; <base64 of {"file": absolute path, "line": N, "message": "..."}> BEL
 * Anyone who can print to the terminal can send one, so each is checked
 * strictly and anything else is ignored.
 */
export const NODE_REQUEST_OSC = 7701;

export type NodeRequest = { kind: "edit"; path: string } | { kind: "error"; file: string; line: number; message: string };

const MAX_PAYLOAD_CHARS = 16 * 1024;
const MAX_PATH_CHARS = 4096;
const MAX_MESSAGE_CHARS = 2000;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** UTF-8 text from base64; undefined when either is invalid. */
function decodeBase64(text: string): string | undefined {
  if (!text || !BASE64.test(text)) return undefined;
  try {
    const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const isAbsolutePath = (p: unknown): p is string =>
  typeof p === "string" && p.startsWith("/") && p.length <= MAX_PATH_CHARS && !p.includes("\0");

/** The request in an OSC 7701 payload (what follows "7701;"), or undefined. */
export function parseNodeRequest(data: string): NodeRequest | undefined {
  if (data.length > MAX_PAYLOAD_CHARS) return undefined;
  const [kind, payload, ...rest] = data.split(";");
  if (rest.length || payload === undefined) return undefined;
  const text = decodeBase64(payload);
  if (text === undefined) return undefined;
  if (kind === "edit") return isAbsolutePath(text) ? { kind: "edit", path: text } : undefined;
  if (kind !== "error") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { file, line, message, ...extra } = value as Record<string, unknown>;
  if (Object.keys(extra).length || !isAbsolutePath(file)) return undefined;
  if (typeof line !== "number" || !Number.isSafeInteger(line) || line < 1) return undefined;
  if (typeof message !== "string" || message.length > MAX_MESSAGE_CHARS) return undefined;
  return { kind: "error", file, line, message };
}
