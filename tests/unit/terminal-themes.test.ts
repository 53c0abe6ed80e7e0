/**
 * The terminal's two themes meet WCAG AA for text on their own background:
 * the foreground and the ANSI colours programs print (ls, git, docker's
 * progress, compilers' warnings) at least MIN_CONTRAST, the cursor at least
 * 3:1 (a control, not text).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ITheme } from "@xterm/xterm";
import { DARK, LIGHT, MIN_CONTRAST } from "../../app/components/terminal/themes";

/** WCAG 2 relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

const ANSI = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"] as const;
const ALL = [...ANSI, ...ANSI.map((c) => `bright${c.charAt(0).toUpperCase()}${c.slice(1)}` as keyof ITheme)];

for (const [name, theme, background] of [["dark", DARK, ["black"]], ["light", LIGHT, []]] as const) {
  test(`${name} theme: the foreground and the ANSI colours are readable on the background`, () => {
    const bg = theme.background!;
    const low = ["foreground", ...ALL]
      .filter((key) => !(background as readonly string[]).includes(key))
      .map((key) => ({ key, ratio: contrast(theme[key as keyof ITheme] as string, bg) }))
      .filter(({ ratio }) => ratio < MIN_CONTRAST)
      .map(({ key, ratio }) => `${key} ${ratio.toFixed(2)}:1`);
    assert.deepEqual(low, []);
  });

  test(`${name} theme: the cursor stands out and selected text stays readable`, () => {
    assert.ok(contrast(theme.cursor!, theme.background!) >= 3, "cursor");
    const selected = theme.selectionForeground ?? theme.foreground!;
    assert.ok(contrast(selected, theme.selectionBackground!) >= MIN_CONTRAST, "selection");
  });
}

test("the contrast measure is WCAG's: black on white is 21:1, a colour on itself 1:1", () => {
  assert.equal(contrast("#000000", "#ffffff").toFixed(1), "21.0");
  assert.equal(contrast("#64748b", "#64748b"), 1);
});
