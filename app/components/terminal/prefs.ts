import { readStored, writeStored } from "../storage";
import type { ThemeName } from "./themes";

/** Terminal preferences, kept per browser in localStorage. */
export const FONT_MIN = 10;
export const FONT_MAX = 24;
export const FONT_DEFAULT = 14;
export const TERMINAL_FONT = 'ui-monospace, "SFMono-Regular", "Cascadia Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';

/** The width of one of the terminal's cells at `px`, as the browser measures the font (xterm does the same). */
export function cellWidth(px: number): number {
  const ctx = document.createElement("canvas").getContext("2d");
  if (!ctx) return px * 0.61;
  ctx.font = `${px}px ${TERMINAL_FONT}`;
  return ctx.measureText("W".repeat(32)).width / 32 || px * 0.61;
}

const FONT_KEY = "playground.terminal.fontSize";
const THEME_KEY = "playground.terminal.theme";

export const clampFont = (n: number) => Math.min(FONT_MAX, Math.max(FONT_MIN, Math.round(n)));

export function loadFontSize(): number {
  const raw = readStored(FONT_KEY)?.trim();
  const n = raw ? Number(raw) : NaN;
  return Number.isFinite(n) ? clampFont(n) : FONT_DEFAULT;
}

export const saveFontSize = (n: number) => writeStored(FONT_KEY, String(clampFont(n)));

export function loadTheme(): ThemeName {
  return readStored(THEME_KEY) === "light" ? "light" : "dark";
}

export const saveTheme = (t: ThemeName) => writeStored(THEME_KEY, t);
