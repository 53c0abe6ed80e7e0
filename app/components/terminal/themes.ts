import type { ITheme } from "@xterm/xterm";

export type ThemeName = "dark" | "light";

/** Slate on deep navy, the playground's own colours. */
export const DARK: ITheme = {
  background: "#0b1120",
  foreground: "#e2e8f0",
  cursor: "#38bdf8",
  cursorAccent: "#0b1120",
  selectionBackground: "#334155",
  black: "#1e293b",
  red: "#f87171",
  green: "#4ade80",
  yellow: "#facc15",
  blue: "#60a5fa",
  magenta: "#c084fc",
  cyan: "#22d3ee",
  white: "#cbd5e1",
  brightBlack: "#64748b",
  brightRed: "#fca5a5",
  brightGreen: "#86efac",
  brightYellow: "#fde047",
  brightBlue: "#93c5fd",
  brightMagenta: "#d8b4fe",
  brightCyan: "#67e8f9",
  brightWhite: "#f8fafc",
};

/**
 * Dark ink on near-white paper. ANSI colours are the darker Tailwind shades so
 * that every one of them stays readable on the light background (yellow and
 * white included, which programs print assuming a dark terminal).
 */
export const LIGHT: ITheme = {
  background: "#f8fafc",
  foreground: "#1e293b",
  cursor: "#0369a1",
  cursorAccent: "#f8fafc",
  selectionBackground: "#bfdbfe",
  selectionForeground: "#0f172a",
  black: "#1e293b",
  red: "#b91c1c",
  green: "#15803d",
  yellow: "#a16207",
  blue: "#1d4ed8",
  magenta: "#7e22ce",
  cyan: "#0e7490",
  white: "#64748b",
  brightBlack: "#475569",
  brightRed: "#dc2626",
  brightGreen: "#16a34a",
  brightYellow: "#ca8a04",
  brightBlue: "#2563eb",
  brightMagenta: "#9333ea",
  brightCyan: "#0891b2",
  brightWhite: "#94a3b8",
};

export const THEMES: Record<ThemeName, ITheme> = { dark: DARK, light: LIGHT };

/** The pane around a shell that is smaller than the pane. */
export const SURROUND: Record<ThemeName, string> = { dark: "#060912", light: "#e2e8f0" };

/** Colours of search matches per theme (the search addon wants #RRGGBB). */
export const SEARCH_COLOURS: Record<ThemeName, { match: string; active: string; ruler: string; activeRuler: string }> = {
  dark: { match: "#854d0e", active: "#ca8a04", ruler: "#a16207", activeRuler: "#facc15" },
  light: { match: "#fde68a", active: "#f59e0b", ruler: "#d97706", activeRuler: "#b45309" },
};
