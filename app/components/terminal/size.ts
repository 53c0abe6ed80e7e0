import { MAX_COLS, MAX_ROWS } from "@/lib/protocol";

export interface Size {
  cols: number;
  rows: number;
}

const clamp = (n: number, max: number) => Math.min(Math.max(1, Math.floor(n)), max);

/** A size fit for the wire: whole numbers within 1..MAX_COLS and 1..MAX_ROWS; null if it is not a size at all. */
export function toWireSize(size: { cols: unknown; rows: unknown } | undefined | null): Size | null {
  if (!size) return null;
  const { cols, rows } = size;
  if (typeof cols !== "number" || typeof rows !== "number" || !Number.isFinite(cols) || !Number.isFinite(rows)) return null;
  return { cols: clamp(cols, MAX_COLS), rows: clamp(rows, MAX_ROWS) };
}

export const sameSize = (a: Size | null, b: Size | null) => !!a && !!b && a.cols === b.cols && a.rows === b.rows;
