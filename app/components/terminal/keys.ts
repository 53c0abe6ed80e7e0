/** Terminal shortcuts that the page handles instead of the shell. */
export type Shortcut = "copy" | "paste" | "search";

/**
 * Ctrl+Shift+C / V / F (Cmd+Shift on macOS is left to the browser). Plain
 * Ctrl+C is not a shortcut: it must reach the shell as ^C.
 */
export function shortcutOf(ev: KeyboardEvent): Shortcut | null {
  if (!ev.ctrlKey || !ev.shiftKey || ev.altKey || ev.metaKey) return null;
  switch (ev.code) {
    case "KeyC":
      return "copy";
    case "KeyV":
      return "paste";
    case "KeyF":
      return "search";
    default:
      return null;
  }
}
