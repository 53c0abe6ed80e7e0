/** Where the session page puts the lesson, the editor and the Docker panel beside the terminal. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { placePanes, terminalWidthFor, type PaneWish, type Room } from "../../lib/layout/panes";

const cell = 8.4286; // DejaVu Sans Mono at 14 px, as Chromium measures it
const room = (width: number): Room => ({ width, terminalMin: terminalWidthFor(80, cell), strip: 28, tabsBelow: 900 });
const lesson = (askedAt = 1, open = true): PaneWish => ({ id: "lesson", open, width: 448, min: 320, askedAt });
const editor = (askedAt = 2, open = true, file = true): PaneWish =>
  file ? { id: "editor", open, width: 560, min: 500, askedAt } : { id: "editor", open, width: 224, min: 224, askedAt };
const docker = (askedAt = 0, open = true): PaneWish => ({ id: "docker", open, width: 480, min: 360, askedAt });

function terminalOf(p: ReturnType<typeof placePanes>): number {
  assert.equal(p.mode, "side");
  return p.mode === "side" ? p.terminal : 0;
}

describe("placePanes", () => {
  test("80 columns need about 706 px at the default font", () => {
    assert.equal(terminalWidthFor(80, cell), 707);
  });

  test("everything fits on a wide screen, at the widths asked for", () => {
    const p = placePanes(room(2560), [lesson(), editor(), docker()]);
    assert.deepEqual(p, { mode: "side", shown: { editor: 560, lesson: 448, docker: 480 }, folded: [], terminal: 2560 - 1488 });
  });

  test("1280x800, lesson, editor with a file and Docker panel: the editor (asked last) stays, the others fold", () => {
    const p = placePanes(room(1280), [lesson(1), editor(2), docker(0)]);
    assert.equal(p.mode, "side");
    if (p.mode !== "side") return;
    assert.deepEqual(Object.keys(p.shown), ["editor"]);
    assert.deepEqual(p.folded, ["lesson", "docker"]);
    assert.ok(p.terminal >= room(1280).terminalMin, `terminal ${p.terminal}`);
    assert.equal(p.shown.editor! + p.terminal + 56, 1280);
  });

  test("the Docker panel asked for last wins over the editor", () => {
    const p = placePanes(room(1280), [lesson(1), editor(2), docker(3)]);
    assert.ok(p.mode === "side" && p.shown.docker && !p.shown.editor);
  });

  test("at the same moment, the Docker panel yields to the lesson and the editor", () => {
    const p = placePanes(room(1280), [lesson(0), editor(0, false), docker(0)]);
    assert.ok(p.mode === "side" && p.shown.lesson && !p.shown.docker);
    assert.deepEqual(p.mode === "side" && p.folded, ["docker"]);
  });

  test("an editor with no file open takes the tree's width, and the lesson shrinks to stay", () => {
    const p = placePanes(room(1280), [lesson(1), editor(2, true, false)]);
    assert.ok(p.mode === "side");
    if (p.mode !== "side") return;
    assert.equal(p.shown.editor, 224);
    assert.ok(p.shown.lesson! >= 320 && p.shown.lesson! < 448, `lesson ${p.shown.lesson}`);
    assert.deepEqual(p.folded, []);
    assert.ok(terminalOf(p) >= 707);
  });

  test("the least recently asked pane shrinks first", () => {
    const p = placePanes(room(1700), [lesson(2), docker(1)]);
    // 1700 - 707 = 993 for 448 + 480 = 928: both at their widths.
    assert.deepEqual(p.mode === "side" && p.shown, { lesson: 448, docker: 480 });
    const q = placePanes(room(1500), [lesson(2), docker(1)]);
    // 793 for 928: the Docker panel gives all it can (120 px), then the lesson the last 15.
    assert.deepEqual(q.mode === "side" && q.shown, { lesson: 433, docker: 360 });
  });

  test("closed panes take no room", () => {
    const p = placePanes(room(1280), [lesson(1, false), editor(2, false), docker(0, false)]);
    assert.deepEqual(p, { mode: "side", shown: {}, folded: [], terminal: 1280 });
  });

  test("under 900 px, one pane at a time", () => {
    assert.deepEqual(placePanes(room(899), [lesson()]), { mode: "tabs" });
    assert.deepEqual(placePanes(room(390), []), { mode: "tabs" });
  });

  test("at every width from 900 to 2560 with any panes open, the terminal keeps 80 columns", () => {
    for (let width = 900; width <= 2560; width += 20) {
      for (let mask = 0; mask < 16; mask++) {
        const wishes = [lesson(mask & 8 ? 3 : 1, !!(mask & 1)), editor(2, !!(mask & 2), !!(mask & 8)), docker(0, !!(mask & 4))];
        const p = placePanes(room(width), wishes);
        assert.ok(terminalOf(p) >= 707, `${width} px, mask ${mask}: ${JSON.stringify(p)}`);
      }
    }
  });
});
