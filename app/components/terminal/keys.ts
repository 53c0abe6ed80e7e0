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

/**
 * How long an Escape waits for the Tab that would take the focus out of the
 * terminal: time to find the Tab key, about what curses programs wait after
 * an Escape themselves (ESCDELAY).
 */
export const ESCAPE_HOLD_MS = 1000;

/** Keys that only modify the next one: Shift+Tab starts with Shift. */
const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock"]);

type Key = Pick<KeyboardEvent, "key" | "ctrlKey" | "altKey" | "metaKey">;
type Timers = { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };

/**
 * The terminal's way out for the keyboard: Escape, then Tab (or Shift+Tab),
 * moves the focus to the next (or previous) control, as in CodeMirror. Tab
 * alone stays the shell's completion.
 *
 * The Escape is held back until the next key, or for ESCAPE_HOLD_MS, so
 * that it can be dropped when that key is the Tab: sent at once, it would
 * wait in the shell (readline reads Escape as the start of a Meta key) and
 * swallow the first key typed on coming back. Any other key sends the
 * Escape first, in order, so Escape-b is still Meta-b and vim still leaves
 * insert mode.
 */
export class EscapeThenTab {
  private escapeDown = false;
  private held: unknown = undefined;

  constructor(
    private readonly send: (data: string) => void,
    private readonly timers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  ) {}

  /** A key went down in the terminal: "leave" when it is the Tab that takes the focus out. */
  keydown(ev: Key): "leave" | "type" {
    const plain = !ev.ctrlKey && !ev.altKey && !ev.metaKey;
    if (ev.key === "Tab" && plain && this.held !== undefined) {
      this.timers.clear(this.held);
      this.held = undefined; // dropped: the shell never sees it
      return "leave";
    }
    // Any other key sends it now, before whatever that key does (a paste shortcut, say).
    if (!MODIFIERS.has(ev.key)) this.flush();
    this.escapeDown = ev.key === "Escape" && plain;
    return "type";
  }

  /** What the terminal would send to the shell. */
  data(data: string): void {
    const escape = this.escapeDown && data === "\x1b";
    this.escapeDown = false;
    this.flush();
    if (!escape) return this.send(data);
    this.held = this.timers.set(() => this.flush(), ESCAPE_HOLD_MS);
  }

  /** Sends an Escape still held back. */
  flush(): void {
    if (this.held === undefined) return;
    this.timers.clear(this.held);
    this.held = undefined;
    this.send("\x1b");
  }
}
