/**
 * Accessibility, checked by axe-core in Chromium: the landing page, the
 * workshops, a workshop session with each pane open, and a class's
 * dashboard have no serious or critical violation of WCAG 2 A and AA (colour
 * contrast included, in the dark theme the pages use); and on the session
 * page every visible control is reached with Tab and Shift+Tab and shows
 * where the focus is, the terminal left with Escape then Tab while Tab
 * alone stays the shell's completion.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { terminalText } from "./terminal";

test.describe.configure({ mode: "serial" });

async function expectNoSerious(page: Page, where: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    // xterm's own helper textarea and its off-screen rows are xterm's, not the page's.
    .exclude(".xterm-helper-textarea")
    .exclude(".xterm-accessibility")
    .analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n  ")}`);
  expect.soft(report, `${where}:\n${report.join("\n")}`).toEqual([]);
}

/** A workshop session at 1920x1080, at its first prompt. */
async function startWorkshop(page: Page) {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto("/workshops");
  await page.getByTestId("workshop-kc-web-server").getByTestId("start-workshop").click();
  await expect(page.getByTestId("lesson-step-title")).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toMatch(/node1:~# $/m);
}

test("the landing page and the workshops", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("start-session")).toBeVisible();
  await expectNoSerious(page, "/");
  await page.goto("/workshops");
  await expect(page.getByTestId("workshop-kc-web-server")).toBeVisible();
  await expectNoSerious(page, "/workshops");
});

test("a workshop session with each pane open", async ({ page }) => {
  await startWorkshop(page);
  await expectNoSerious(page, "session with the lesson");
  await page.getByTestId("editor-toggle").click();
  await page.locator('[data-testid="tree-entry"][data-path="/root/.bashrc"]').click();
  await expect(page.getByTestId("editor-file")).toContainText("/root/.bashrc");
  await expectNoSerious(page, "session with the lesson and the editor");
  await page.getByTestId("docker-panel-toggle").click();
  await expect(page.getByTestId("docker-panel")).toBeVisible();
  await expectNoSerious(page, "session with the Docker panel too");
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByTestId("unfold-lesson")).toBeVisible();
  await expectNoSerious(page, "session at 1280x800 with folded panes");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("pane-tabs")).toBeVisible();
  await expectNoSerious(page, "session on a phone, with its pane tabs");
});

test("the terminal's text in both themes: every ANSI colour, 256 colours, black on black", async ({ page }) => {
  await startWorkshop(page);
  await page.locator(".xterm-helper-textarea").focus();
  // Each of the 16 colours as text, then some of the 256 a program might pick whatever the theme.
  await page.keyboard.type(
    "clear; for c in 30 31 32 33 34 35 36 37 90 91 92 93 94 95 96 97; do printf '\\e[%sm c%s \\e[0m' $c $c; done; " +
      "for c in 16 17 52 58 100 184 226 231 236 244 250; do printf '\\e[38;5;%sm p%s \\e[0m' $c $c; done; printf '\\e[30;40m hidden? \\e[0m\\n'",
  );
  await page.keyboard.press("Enter");
  // Drawn, not only in the buffer.
  await expect(page.locator(".xterm-rows")).toContainText(/p250 +hidden\?/);
  await expectNoSerious(page, "dark terminal printing every colour");
  await page.locator(".xterm").first().screenshot({ path: "test-results/a11y/terminal-dark.png" });
  await page.getByTestId("term-theme").click();
  await expect(page.locator("[data-theme]").first()).toHaveAttribute("data-theme", "light");
  await expect.poll(() => page.evaluate(() => window.__playgroundTerm?.options.theme?.background)).toBe("#f8fafc");
  // xterm draws the rows again (their contrast-adjusted colours too) at the next animation frame.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await expectNoSerious(page, "light terminal printing every colour");
  await page.locator(".xterm").first().screenshot({ path: "test-results/a11y/terminal-light.png" });
});

test("a class's join page and dashboard", async ({ page }) => {
  const res = await page.request.post("/api/cohorts", { data: { workshop: "kc-web-server", title: "Checked group" } });
  expect(res.status()).toBe(201);
  const cohort = (await res.json()) as { joinPath: string; dashboardPath: string };
  await page.goto(cohort.joinPath);
  await expect(page.getByTestId("class-name")).toBeVisible();
  await expectNoSerious(page, "join page");
  await page.goto(cohort.dashboardPath);
  await expect(page.getByTestId("dashboard-title")).toHaveText("Checked group");
  await expectNoSerious(page, "class dashboard");
});

/** Where the focus is now: a description, whether it shows (outline or box shadow), and whether it is the terminal's or the editor's own input. */
const FOCUSED = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const shown = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
  const own = !!el.closest(".xterm, .monaco-editor");
  return { key: el.dataset.testid || el.getAttribute("aria-label") || (el.textContent || "").trim().slice(0, 30) || el.tagName, shown, own, id: el.dataset.walk };
})()`;

/**
 * Numbers every visible control of the page, then walks it with Tab from the
 * first and with Shift+Tab from the last, going on past the terminal with
 * Escape then Tab: which controls were never reached, which showed no focus,
 * and how often each walk went through a terminal.
 */
async function keyboardWalk(page: Page) {
  const controls = await page.evaluate(() => {
    // What Tab can reach: a tab bar's unselected tabs are reached with the arrow keys instead.
    const all = [...document.querySelectorAll<HTMLElement>("a[href], button:not([disabled]), input:not([disabled]), select, textarea, summary, [tabindex]")].filter((el) => el.tabIndex >= 0);
    const visible = all.filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !el.closest(".xterm, .monaco-editor"));
    visible.forEach((el, i) => (el.dataset.walk = String(i)));
    return visible.map((el) => el.dataset.testid || el.getAttribute("aria-label") || (el.textContent || "").trim().slice(0, 30));
  });
  expect(controls.length, "controls on the page").toBeGreaterThan(0);
  const reached = new Set<string>();
  const unshown: string[] = [];
  const terminalPassed = { Tab: 0, "Shift+Tab": 0 };
  /** Walks with key from the control numbered from until the one numbered end, or until the focus leaves the page. */
  const walk = async (key: "Tab" | "Shift+Tab", from: number, end: number) => {
    await page.locator(`[data-walk="${from}"]`).focus();
    reached.add(String(from));
    for (let i = 0; i < controls.length + 5; i++) {
      await page.keyboard.press(key);
      let f = (await page.evaluate(FOCUSED)) as { key: string; shown: boolean; own: boolean; id?: string } | null;
      if (f?.own && (await page.evaluate(() => !!document.activeElement?.closest(".xterm")))) {
        // Tab is the shell's completion there; Escape then Tab goes on.
        await expect(page.getByTestId("terminal-leave-hint")).not.toHaveClass(/sr-only/);
        await page.keyboard.press("Escape");
        await page.keyboard.press(key);
        f = (await page.evaluate(FOCUSED)) as typeof f;
        expect(f?.own, `${key} after Escape leaves the terminal`).toBe(false);
        terminalPassed[key]++;
      }
      if (!f || f.own) return;
      if (f.id !== undefined) reached.add(f.id);
      if (!f.shown) unshown.push(f.key);
      if (f.id === String(end)) return;
    }
  };
  await walk("Tab", 0, controls.length - 1);
  await walk("Shift+Tab", controls.length - 1, 0);
  return { missed: controls.filter((_, i) => !reached.has(String(i))), unshown: [...new Set(unshown)], terminalPassed };
}

test("every control of the session page is reached by keyboard and shows its focus", async ({ page }) => {
  await startWorkshop(page);
  await page.getByTestId("docker-panel-toggle").click();
  await expect(page.getByTestId("docker-panel")).toBeVisible();
  const walked = await keyboardWalk(page);
  expect(walked.terminalPassed, "the walk went through the terminal once each way").toEqual({ Tab: 1, "Shift+Tab": 1 });
  expect(walked.missed, "controls Tab and Shift+Tab never reached").toEqual([]);
  expect(walked.unshown, "controls focused with no visible focus").toEqual([]);

  // A tab bar is one stop for Tab; the arrow keys, Home and End choose within it, and show at once.
  const tab = (id: string) => page.getByTestId(`docker-tab-${id}`);
  await tab("containers").focus();
  for (const [key, now] of [["ArrowRight", "images"], ["End", "networks"], ["ArrowRight", "containers"], ["ArrowLeft", "networks"], ["Home", "containers"]]) {
    await page.keyboard.press(key!);
    await expect(tab(now!), `${key} selects ${now}`).toHaveAttribute("aria-selected", "true");
    await expect(tab(now!), `${key} moves the focus to ${now}`).toBeFocused();
  }
  await page.keyboard.press("ArrowRight");
  await expect(page.getByTestId("docker-panel")).toContainText(/No images yet|layers/i);
  // The tab names what it shows, and what it shows is named by the tab.
  const panel = page.locator(`[id="${await tab("images").getAttribute("aria-controls")}"]`);
  await expect(panel).toHaveAttribute("role", "tabpanel");
  await expect(panel).toHaveAttribute("aria-labelledby", (await tab("images").getAttribute("id"))!);
  // Tab goes on past the bar: the tabs not chosen (Volumes, Networks) are no stops of their own.
  await tab("images").focus();
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.getAttribute("role")), "Tab from the chosen tab leaves the bar").not.toBe("tab");
});

test("every control of the landing page, the workshops, a class's join page and its dashboard is reached by keyboard", async ({ page }) => {
  const res = await page.request.post("/api/cohorts", { data: { workshop: "kc-web-server", title: "Walked group" } });
  const cohort = (await res.json()) as { joinPath: string; dashboardPath: string };
  const pages: [path: string, ready: string][] = [
    ["/", "start-session"],
    ["/workshops", "workshop-kc-web-server"],
    [cohort.joinPath, "class-name"],
    [cohort.dashboardPath, "dashboard-title"],
  ];
  for (const [path, ready] of pages) {
    await page.goto(path);
    await expect(page.getByTestId(ready)).toBeVisible();
    const walked = await keyboardWalk(page);
    expect.soft(walked.missed, `${path}: controls Tab and Shift+Tab never reached`).toEqual([]);
    expect.soft(walked.unshown, `${path}: controls focused with no visible focus`).toEqual([]);
  }
});

test("the terminal keeps Tab for completion and Escape for Meta keys; Escape then Tab leaves it", async ({ page }) => {
  await startWorkshop(page);
  const hint = page.getByTestId("terminal-leave-hint");
  await page.locator(".xterm-helper-textarea").focus();
  // Shown while the terminal has the focus, for screen readers only otherwise (sr-only is "visible" to Playwright).
  await expect(hint).not.toHaveClass(/sr-only/);
  await expect(hint).toHaveText("Esc then Tab leaves the terminal");
  // Tab alone completes.
  await page.keyboard.type("ech");
  await page.keyboard.press("Tab");
  await page.keyboard.type("TAB-$((6*7))"); // completed to "echo "
  await page.keyboard.press("Enter");
  await expect.poll(() => terminalText(page)).toMatch(/^TAB-42$/m);
  // Escape then b is Meta-b: back a word, and the X lands before it.
  await page.keyboard.type("echo META");
  await page.keyboard.press("Escape");
  await page.keyboard.press("b");
  await page.keyboard.type("X");
  await page.keyboard.press("Enter");
  await expect.poll(() => terminalText(page)).toMatch(/^XMETA$/m);
  // Escape then Tab leaves, and the shell never saw the Escape: the next key typed on coming back arrives.
  await page.keyboard.type("echo BACK");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => !!document.activeElement?.closest(".xterm"))).toBe(false);
  await expect(hint).toHaveClass(/sr-only/);
  await page.locator(".xterm-helper-textarea").focus();
  await page.keyboard.type("ED");
  await page.keyboard.press("Enter");
  await expect.poll(() => terminalText(page)).toMatch(/^BACKED$/m);
});
