import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { terminalText, run } from "./terminal";

/** A number read from the live terminal. */
async function termValue(page: Page, what: "fontSize" | "cols" | "rows"): Promise<number> {
  return page.evaluate((w) => {
    const term = (window as unknown as { __playgroundTerm?: import("@xterm/xterm").Terminal }).__playgroundTerm;
    if (!term) return -1;
    return w === "fontSize" ? (term.options.fontSize ?? -1) : term[w];
  }, what);
}

/**
 * Where on screen a piece of text printed at the start of a line sits: the
 * centre of its `offset`-th cell, scrolled into view first. `exact` picks the
 * line that is exactly this text (the command's output, not the command line).
 */
async function cellOf(page: Page, text: string, offset = 0, exact = true): Promise<{ x: number; y: number }> {
  const at = await page.evaluate(
    ({ text, offset, exact }) => {
      const term = (window as unknown as { __playgroundTerm?: import("@xterm/xterm").Terminal }).__playgroundTerm;
      if (!term) return null;
      const buffer = term.buffer.active;
      for (let row = buffer.length - 1; row >= 0; row--) {
        const line = buffer.getLine(row)?.translateToString(true) ?? "";
        const col = exact ? (line === text ? 0 : -1) : line.indexOf(text);
        if (col < 0) continue;
        term.scrollToLine(Math.max(0, row - Math.floor(term.rows / 2)));
        const screen = term.element!.querySelector(".xterm-screen")!.getBoundingClientRect();
        const cellW = screen.width / term.cols;
        const cellH = screen.height / term.rows;
        return {
          x: screen.left + (col + offset + 0.5) * cellW,
          y: screen.top + (row - buffer.viewportY + 0.5) * cellH,
        };
      }
      return null;
    },
    { text, offset, exact },
  );
  if (!at) throw new Error(`"${text}" is not in the terminal`);
  return at;
}

async function startSession(page: Page) {
  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}$/);
  await expect(page.getByTestId("terminal-status")).toHaveText("connected");
  await expect.poll(() => terminalText(page)).toMatch(/node1:~# $/m);
}

async function endSession(page: Page) {
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
}

test("the font size changes the terminal and survives a reload", async ({ page }) => {
  await startSession(page);
  expect(await termValue(page, "fontSize")).toBe(14);
  const cols14 = await termValue(page, "cols");

  await page.getByTestId("term-font-inc").click();
  await page.getByTestId("term-font-inc").click();
  await expect.poll(() => termValue(page, "fontSize")).toBe(16);
  await expect(page.getByTestId("term-font-size")).toHaveText("16");
  // Bigger letters, fewer columns in the same pane.
  await expect.poll(() => termValue(page, "cols")).toBeLessThan(cols14);

  await page.reload();
  await expect(page.getByTestId("terminal-status")).toHaveText("connected");
  await expect.poll(() => termValue(page, "fontSize")).toBe(16);
  await expect(page.getByTestId("term-font-size")).toHaveText("16");

  for (let i = 0; i < 3; i++) await page.getByTestId("term-font-dec").click();
  await expect.poll(() => termValue(page, "fontSize")).toBe(13);
  await page.reload();
  await expect(page.getByTestId("terminal-status")).toHaveText("connected");
  await expect.poll(() => termValue(page, "fontSize")).toBe(13);

  await endSession(page);
});

test.describe("with clipboard access", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes it, Ctrl+C still interrupts", async ({ page }) => {
    await startSession(page);
    await page.evaluate(() => navigator.clipboard.writeText("clipboard-before"));

    await run(page, "echo copyme-$((6*7))");
    await expect.poll(() => terminalText(page)).toMatch(/^copyme-42$/m);

    const word = await cellOf(page, "copyme-42", 2);
    await page.mouse.dblclick(word.x, word.y);
    await expect.poll(() => page.evaluate(() => window.__playgroundTerm?.getSelection())).toBe("copyme-42");
    await page.keyboard.press("Control+Shift+C");
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("copyme-42");

    await page.keyboard.type("echo pasted-");
    await page.keyboard.press("Control+Shift+V");
    await page.keyboard.press("Enter");
    await expect.poll(() => terminalText(page)).toMatch(/^pasted-copyme-42$/m);

    // Plain Ctrl+C is still the shell's interrupt, not a copy.
    await run(page, "sleep 30; echo sleep-was-not-interrupted");
    await page.waitForTimeout(300);
    await page.keyboard.press("Control+C");
    await expect.poll(() => terminalText(page), { timeout: 5_000 }).toMatch(/\^C\s*\n.*node1:~# $/m);
    expect(await terminalText(page)).not.toMatch(/^sleep-was-not-interrupted$/m);

    await endSession(page);
  });
});

test("search finds a word printed earlier and says when nothing matches", async ({ page }) => {
  await startSession(page);
  await run(page, "echo needle-$((1000+234)); seq 1 300");
  await expect.poll(() => terminalText(page)).toMatch(/^300$/m);
  // The needle has scrolled out of view.
  expect(await page.evaluate(() => window.__playgroundTerm!.buffer.active.viewportY)).toBeGreaterThan(0);

  await page.getByTestId("term-search-toggle").click();
  const box = page.getByTestId("term-search");
  await expect(box).toBeFocused();
  await box.fill("needle-1234");
  await box.press("Enter");
  await expect.poll(() => page.evaluate(() => window.__playgroundTerm?.getSelection())).toBe("needle-1234");
  // The match was scrolled into view.
  const visible = await page.evaluate(() => {
    const term = window.__playgroundTerm!;
    const pos = term.getSelectionPosition();
    const top = term.buffer.active.viewportY;
    return !!pos && pos.start.y >= top && pos.start.y < top + term.rows;
  });
  expect(visible).toBe(true);
  await expect(page.getByTestId("term-search-status")).not.toHaveText(/no match/i);

  await box.fill("haystack-without-needle");
  await expect(page.getByTestId("term-search-status")).toHaveText(/no match/i);
  await expect(box).toHaveAttribute("aria-invalid", "true");

  await box.press("Escape");
  await expect(box).toBeHidden();
  await expect(page.locator(".xterm-helper-textarea")).toBeFocused();

  // Ctrl+Shift+F opens it again from the terminal.
  await page.keyboard.press("Control+Shift+F");
  await expect(page.getByTestId("term-search")).toBeFocused();
  await page.keyboard.press("Escape");

  await endSession(page);
});

test("the theme toggle changes the terminal's background, and it is remembered", async ({ page }) => {
  await startSession(page);
  const background = () =>
    page.evaluate(() => getComputedStyle(document.querySelector(".xterm .xterm-scrollable-element")!).backgroundColor);
  expect(await background()).toBe("rgb(11, 17, 32)");

  await page.getByTestId("term-theme").click();
  await expect.poll(background).toBe("rgb(248, 250, 252)");
  await page.reload();
  await expect(page.getByTestId("terminal-status")).toHaveText("connected");
  await expect.poll(background).toBe("rgb(248, 250, 252)");

  await page.getByTestId("term-theme").click();
  await expect.poll(background).toBe("rgb(11, 17, 32)");

  await endSession(page);
});

test("a web address printed in the terminal opens in a new tab, without an opener", async ({ page, context, baseURL }) => {
  await startSession(page);
  const url = `${baseURL}/api/health?from=terminal`;
  await run(page, `echo "${url}"`);
  await expect.poll(() => terminalText(page)).toContain(`\n${url}`);

  const link = await cellOf(page, url, 5);
  await page.mouse.move(link.x, link.y - 3);
  await page.mouse.move(link.x, link.y);
  // The web-links addon underlines the link and shows a hand while the pointer is over it.
  await expect(page.locator(".xterm-screen.xterm-cursor-pointer, .xterm.xterm-cursor-pointer, .xterm-screen .xterm-cursor-pointer")).not.toHaveCount(0);

  const [popup] = await Promise.all([context.waitForEvent("page"), page.mouse.click(link.x, link.y)]);
  await popup.waitForLoadState();
  expect(popup.url()).toBe(url);
  expect(await popup.evaluate(() => window.opener)).toBeNull();
  await expect(popup.locator("body")).toContainText('"ok"');
  await popup.close();

  // A right click opens the terminal's own menu instead of the browser's.
  await page.getByTestId("terminal").click({ button: "right", position: { x: 120, y: 60 } });
  const menu = page.getByTestId("terminal-menu");
  await expect(menu).toBeVisible();
  await expect(menu.getByRole("menuitem", { name: /copy/i })).toBeDisabled();
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();

  await endSession(page);
});

test("the terminal shows the shell at the size the server announces", async ({ page }) => {
  // Stand in for a server that sends the size message: add messages to the socket's stream and record what the page sends.
  await page.addInitScript(() => {
    const w = window as unknown as { __sent: unknown[]; __inject: (m: unknown) => void; __ws?: WebSocket };
    w.__sent = [];
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        w.__ws = this;
      }
      send(data: Parameters<WebSocket["send"]>[0]) {
        if (typeof data === "string") w.__sent.push(JSON.parse(data));
        super.send(data);
      }
    };
    w.__inject = (m) => w.__ws?.onmessage?.(new MessageEvent("message", { data: JSON.stringify(m) }));
  });
  await startSession(page);
  const resizes = () =>
    page.evaluate(() => (window as unknown as { __sent: { type: string }[] }).__sent.filter((m) => m.type === "resize"));
  const fitted = { cols: await termValue(page, "cols"), rows: await termValue(page, "rows") };
  expect((await resizes()).at(-1)).toEqual({ type: "resize", ...fitted });

  await page.evaluate(() => (window as unknown as { __inject: (m: unknown) => void }).__inject({ type: "size", cols: 60, rows: 15 }));
  await expect.poll(() => termValue(page, "cols")).toBe(60);
  expect(await termValue(page, "rows")).toBe(15);
  await expect(page.getByTestId("terminal-size")).toHaveText("60×15");

  await page.evaluate(() => (window as unknown as { __inject: (m: unknown) => void }).__inject({ type: "size", cols: 300, rows: 100 }));
  await expect.poll(() => termValue(page, "cols")).toBe(300);
  // Larger than the pane: it scrolls instead of clipping.
  const overflow = await page.getByTestId("terminal").evaluate((el) => ({ x: el.scrollWidth > el.clientWidth, y: el.scrollHeight > el.clientHeight }));
  expect(overflow).toEqual({ x: true, y: true });

  // The pane's own wish still goes to the server when it changes, and only then.
  const before = (await resizes()).length;
  // 700 px: the terminal alone, narrower than beside the Docker panel at 1280 (at 900 the panel folds and it grows).
  await page.setViewportSize({ width: 700, height: 600 });
  await expect.poll(async () => (await resizes()).length).toBe(before + 1);
  const wish = (await resizes()).at(-1) as unknown as { cols: number; rows: number };
  expect(wish.cols).toBeLessThan(fitted.cols);
  // The real server takes that wish (this page alone has control) and announces it: the terminal follows.
  await expect.poll(() => termValue(page, "cols")).toBe(wish.cols);

  await endSession(page);
});

test("a watcher with a smaller window sees the shell at the typist's size, scrolling", async ({ page, browser }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await startSession(page);
  await run(page, "stty size");
  const typist = { cols: await termValue(page, "cols"), rows: await termValue(page, "rows") };
  await expect.poll(() => terminalText(page)).toContain(`${typist.rows} ${typist.cols}`);

  await page.getByTestId("share-button").click();
  const watchUrl = await page.getByTestId("share-watch-link").inputValue();
  await page.keyboard.press("Escape");
  const small = await browser.newContext({ viewport: { width: 700, height: 500 } });
  const watcher = await small.newPage();
  await watcher.goto(watchUrl);
  await expect(watcher.getByTestId("watch-only-badge")).toBeVisible();
  await expect.poll(() => termValue(watcher, "cols")).toBe(typist.cols);
  expect(await termValue(watcher, "rows")).toBe(typist.rows);
  const overflow = await watcher.getByTestId("terminal").evaluate((el) => el.scrollWidth > el.clientWidth);
  expect(overflow).toBe(true);
  // The watcher's smaller window did not shrink the shell.
  await run(page, "stty size");
  await page.waitForTimeout(300);
  expect(await termValue(page, "cols")).toBe(typist.cols);
  await small.close();
  await endSession(page);
});
