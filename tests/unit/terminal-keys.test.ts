import assert from "node:assert/strict";
import { test } from "node:test";
import { ESCAPE_HOLD_MS, EscapeThenTab, shortcutOf } from "../../app/components/terminal/keys";

/** Timers that run when the test says so. */
function fakeTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  return {
    timers: {
      set: (fn: () => void, ms: number) => {
        pending.set(next, { fn, ms });
        return next++;
      },
      clear: (h: unknown) => void pending.delete(h as number),
    },
    pending,
    fire() {
      const all = [...pending.values()];
      pending.clear();
      all.forEach((t) => t.fn());
    },
  };
}

const key = (k: string, mods: Partial<Record<"ctrlKey" | "altKey" | "metaKey", boolean>> = {}) => ({ key: k, ctrlKey: false, altKey: false, metaKey: false, ...mods });

/** A terminal as xterm drives it: a keydown, then the data it makes. */
function setup() {
  const sent: string[] = [];
  const clock = fakeTimers();
  const keys = new EscapeThenTab((d) => sent.push(d), clock.timers);
  const press = (k: string, data?: string, mods = {}) => {
    const r = keys.keydown(key(k, mods));
    if (r === "type" && data !== undefined) keys.data(data);
    return r;
  };
  return { sent, clock, keys, press };
}

test("Escape then Tab leaves the terminal, and the shell sees neither", () => {
  const { sent, clock, press } = setup();
  press("a", "a");
  assert.equal(press("Escape", "\x1b"), "type");
  assert.deepEqual(sent, ["a"]);
  assert.equal(press("Tab", "\t"), "leave");
  assert.deepEqual(sent, ["a"]);
  clock.fire();
  assert.deepEqual(sent, ["a"], "the dropped Escape is never sent later");
});

test("Shift+Tab after Escape leaves too: Shift's own keydown does not cancel it", () => {
  const { sent, press } = setup();
  press("Escape", "\x1b");
  press("Shift");
  assert.equal(press("Tab", "\x1b[Z"), "leave");
  assert.deepEqual(sent, []);
});

test("Tab alone is the shell's completion", () => {
  const { sent, press } = setup();
  assert.equal(press("Tab", "\t"), "type");
  assert.deepEqual(sent, ["\t"]);
});

test("Escape then another key sends both, in order (Meta-b stays Meta-b)", () => {
  const { sent, clock, press } = setup();
  press("Escape", "\x1b");
  press("b", "b");
  assert.deepEqual(sent, ["\x1b", "b"]);
  assert.equal(clock.pending.size, 0);
});

test("an Escape with nothing after it reaches the shell after the hold", () => {
  const { sent, clock, press } = setup();
  press("Escape", "\x1b");
  assert.deepEqual(sent, []);
  assert.deepEqual([...clock.pending.values()].map((t) => t.ms), [ESCAPE_HOLD_MS]);
  clock.fire();
  assert.deepEqual(sent, ["\x1b"]);
  assert.equal(press("Tab", "\t"), "type", "too late: Tab is completion again");
  assert.deepEqual(sent, ["\x1b", "\t"]);
});

test("Escape twice sends the first and holds the second", () => {
  const { sent, press } = setup();
  press("Escape", "\x1b");
  press("Escape", "\x1b");
  assert.deepEqual(sent, ["\x1b"]);
  assert.equal(press("Tab", "\t"), "leave");
  assert.deepEqual(sent, ["\x1b"]);
});

test("an ESC that is not the Escape key (a paste, a reply to the terminal) is sent at once", () => {
  const { sent, keys } = setup();
  keys.data("\x1b");
  keys.data("\x1b[I");
  assert.deepEqual(sent, ["\x1b", "\x1b[I"]);
});

test("Ctrl+Escape and Ctrl+Tab are keys like any other", () => {
  const { sent, press } = setup();
  press("Escape", "\x1b", { ctrlKey: true });
  assert.deepEqual(sent, ["\x1b"]);
  press("Escape", "\x1b");
  assert.equal(press("Tab", "\t", { ctrlKey: true }), "type");
  assert.deepEqual(sent, ["\x1b", "\x1b", "\t"]);
});

test("a key that makes no data (a paste shortcut) sends the held Escape at its keydown, before what it does", () => {
  const { sent, keys, press } = setup();
  press("Escape", "\x1b");
  assert.equal(keys.keydown(key("Shift")), "type");
  assert.deepEqual(sent, [], "Shift alone keeps it held");
  assert.equal(keys.keydown(key("V", { ctrlKey: true })), "type");
  assert.deepEqual(sent, ["\x1b"]);
  keys.data("pasted"); // the clipboard's text, later
  assert.deepEqual(sent, ["\x1b", "pasted"]);
});

test("flush sends what is held, once", () => {
  const { sent, keys, press } = setup();
  press("Escape", "\x1b");
  keys.flush();
  keys.flush();
  assert.deepEqual(sent, ["\x1b"]);
});

test("the page's shortcuts are Ctrl+Shift+C, V and F only", () => {
  const ev = (code: string, mods: Partial<KeyboardEvent> = {}) => ({ ctrlKey: true, shiftKey: true, altKey: false, metaKey: false, code, ...mods }) as KeyboardEvent;
  assert.equal(shortcutOf(ev("KeyC")), "copy");
  assert.equal(shortcutOf(ev("KeyV")), "paste");
  assert.equal(shortcutOf(ev("KeyF")), "search");
  assert.equal(shortcutOf(ev("KeyC", { shiftKey: false })), null);
  assert.equal(shortcutOf(ev("KeyX")), null);
});
