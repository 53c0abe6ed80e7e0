/**
 * Structured logs: one JSON object per line on stdout, errors included, as
 * `{ time, level, event, ...fields }`. Lines about a session carry
 * `sessionId`, and `node` when one node is concerned. The level follows the
 * event's name: "error" for failures (`*_failed`, `*_error`, `http_error`),
 * "warn" for what was refused or could not be reached, "info" otherwise.
 */
export type LogLevel = "info" | "warn" | "error";

export function levelOf(event: string): LogLevel {
  if (/(_failed|_error)$/.test(event) || event === "http_error") return "error";
  if (/(refused|unreachable|missing|not_removed)/.test(event)) return "warn";
  return "info";
}

export function log(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), level: levelOf(event), event, ...fields }));
}
