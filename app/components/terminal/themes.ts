import type { ITheme } from "@xterm/xterm";

export type ThemeName = "dark" | "light";

/**
 * WCAG AA for text: every ANSI colour but the dark theme's black (there as a
 * background: status bars, reverse video) is at least this far from its
 * theme's background, and xterm lifts whatever a program paints closer than
 * this (256 colours, true colour, black on black) when it draws the cell.
 */
export const MIN_CONTRAST = 4.5;

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
  brightBlack: "#94a3b8",
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
 * white included, which programs print assuming a dark terminal); the bright
 * ones are the stronger, so darker here.
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
  brightGreen: "#166534",
  brightYellow: "#b45309",
  brightBlue: "#2563eb",
  brightMagenta: "#9333ea",
  brightCyan: "#155e75",
  brightWhite: "#334155",
};

export const THEMES: Record<ThemeName, ITheme> = { dark: DARK, light: LIGHT };

/** The pane around a shell that is smaller than the pane. */
export const SURROUND: Record<ThemeName, string> = { dark: "#060912", light: "#e2e8f0" };

/** Colours of search matches per theme (the search addon wants #RRGGBB). */
export const SEARCH_COLOURS: Record<ThemeName, { match: string; active: string; ruler: string; activeRuler: string }> = {
  dark: { match: "#854d0e", active: "#ca8a04", ruler: "#a16207", activeRuler: "#facc15" },
  light: { match: "#fde68a", active: "#f59e0b", ruler: "#d97706", activeRuler: "#b45309" },
};
