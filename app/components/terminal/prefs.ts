import type { ThemeName } from "./themes";

/** Terminal preferences, kept per browser in localStorage. */
export const FONT_MIN = 10;
export const FONT_MAX = 24;
export const FONT_DEFAULT = 14;

const FONT_KEY = "playground.terminal.fontSize";
const THEME_KEY = "playground.terminal.theme";

export const clampFont = (n: number) => Math.min(FONT_MAX, Math.max(FONT_MIN, Math.round(n)));

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode, blocked cookies): use the defaults
  }
}

function write(key: string, value: string) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Not persisted; the setting still applies to this page.
  }
}

export function loadFontSize(): number {
  const raw = read(FONT_KEY)?.trim();
  const n = raw ? Number(raw) : NaN;
  return Number.isFinite(n) ? clampFont(n) : FONT_DEFAULT;
}

export const saveFontSize = (n: number) => write(FONT_KEY, String(clampFont(n)));

export function loadTheme(): ThemeName {
  return read(THEME_KEY) === "light" ? "light" : "dark";
}

export const saveTheme = (t: ThemeName) => write(THEME_KEY, t);
