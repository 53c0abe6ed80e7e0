/**
 * Where the session page puts its panes. The terminal always keeps room for
 * `terminalMin` pixels (80 columns at the learner's font size); the panes
 * beside it share what is left. A pane that does not fit is folded to a strip
 * at its edge, from which one click brings it back (and folds another).
 *
 * Which pane stays when they do not all fit: the one asked for last. A pane
 * shown shrinks towards its minimum before anything is folded, the least
 * recently asked first. Under `tabsBelow` pixels nothing fits beside the
 * terminal, and the page shows one pane at a time with a tab bar instead.
 */

export type PaneId = "lesson" | "editor" | "docker";

/** Left to right; the terminal sits between the editor and the Docker panel. */
export const PANE_ORDER: readonly PaneId[] = ["lesson", "editor", "docker"];
export const LEFT_OF_TERMINAL: ReadonlySet<PaneId> = new Set(["lesson", "editor"]);

export interface PaneWish {
  id: PaneId;
  /** Wanted open by the person (a folded pane is still open). */
  open: boolean;
  /** The width it would like: dragged by the person, or its default. */
  width: number;
  /** Narrower than this, it is not worth showing. */
  min: number;
  /** When it was last asked for (opened, clicked, or asked by the terminal): larger is later. */
  askedAt: number;
}

export type Placement =
  | { mode: "side"; shown: Partial<Record<PaneId, number>>; folded: PaneId[]; terminal: number }
  | { mode: "tabs" };

export interface Room {
  /** The window's width, in CSS pixels. */
  width: number;
  /** What the terminal needs for 80 columns. */
  terminalMin: number;
  /** The width of one edge's strip of folded panes. */
  strip: number;
  /** Below this window width, one pane at a time. */
  tabsBelow: number;
}

export function placePanes(room: Room, wishes: readonly PaneWish[]): Placement {
  if (room.width < room.tabsBelow) return { mode: "tabs" };
  const open = wishes.filter((w) => w.open).sort((a, b) => b.askedAt - a.askedAt || rank(a.id) - rank(b.id));
  // The most panes that fit, taken in the order they were asked for; the rest fold.
  for (let keep = open.length; keep >= 0; keep--) {
    const shownWishes = open.slice(0, keep);
    const folded = open.slice(keep).map((w) => w.id);
    const room_ = room.width - room.terminalMin - stripsWidth(folded, room.strip);
    if (shownWishes.reduce((sum, w) => sum + w.min, 0) > room_) continue;
    const sized = shownWishes.map((w) => ({ id: w.id, min: w.min, width: Math.max(w.min, w.width) }));
    // Shrink the latest-asked last: walk from the least recent towards the most.
    let excess = sized.reduce((sum, p) => sum + p.width, 0) - room_;
    for (const pane of [...sized].reverse()) {
      if (excess <= 0) break;
      const give = Math.min(excess, pane.width - pane.min);
      pane.width -= give;
      excess -= give;
    }
    const shown: Partial<Record<PaneId, number>> = {};
    for (const pane of sized) shown[pane.id] = Math.floor(pane.width);
    const used = sized.reduce((sum, p) => sum + Math.floor(p.width), 0) + stripsWidth(folded, room.strip);
    return { mode: "side", shown, folded: PANE_ORDER.filter((id) => folded.includes(id)), terminal: Math.floor(room.width - used) };
  }
  return { mode: "tabs" };
}

/** One strip on each side that has folded panes: the lesson and the editor share the left one. */
function stripsWidth(folded: readonly PaneId[], strip: number): number {
  const left = folded.some((id) => LEFT_OF_TERMINAL.has(id));
  const right = folded.some((id) => !LEFT_OF_TERMINAL.has(id));
  return (left ? strip : 0) + (right ? strip : 0);
}

/** At the same moment, the lesson and the editor come before the Docker panel (it yields to them). */
const rank = (id: PaneId) => PANE_ORDER.indexOf(id);

/**
 * Pixels the terminal needs for `cols` columns: its cells, xterm's scroll bar
 * (14 px, which FitAddon takes off) and the padding around it.
 */
export function terminalWidthFor(cols: number, cellWidth: number, chrome = 14 + 16 + 2): number {
  return Math.ceil(cols * cellWidth + chrome);
}
