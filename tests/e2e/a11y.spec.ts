/**
 * Accessibility, checked by axe-core in Chromium: the landing page, the
 * workshops, a workshop session with each pane open, and a class's
 * dashboard have no serious or critical violation of WCAG 2 A and AA (colour
 * contrast included, in the dark theme the pages use); and on the session
 * page every visible control is reached with Tab and Shift+Tab and shows
 * where the focus is.
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

test("every control of the session page is reached by keyboard and shows its focus", async ({ page }) => {
  await startWorkshop(page);
  await page.getByTestId("docker-panel-toggle").click();
  await expect(page.getByTestId("docker-panel")).toBeVisible();
  // Every visible control, numbered.
  const controls = await page.evaluate(() => {
    const all = [...document.querySelectorAll<HTMLElement>("a[href], button:not([disabled]), input:not([disabled]), select, textarea, summary, [tabindex]:not([tabindex='-1'])")];
    const visible = all.filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !el.closest(".xterm, .monaco-editor"));
    visible.forEach((el, i) => (el.dataset.walk = String(i)));
    return visible.map((el) => el.dataset.testid || el.getAttribute("aria-label") || (el.textContent || "").trim().slice(0, 30));
  });
  const reached = new Set<string>();
  const unshown: string[] = [];
  const walk = async (key: "Tab" | "Shift+Tab") => {
    for (let i = 0; i < controls.length + 5; i++) {
      await page.keyboard.press(key);
      const f = (await page.evaluate(FOCUSED)) as { key: string; shown: boolean; own: boolean; id?: string } | null;
      // The terminal takes Tab for the shell's completion, as every terminal does: the walk stops there.
      if (!f || f.own) return;
      if (f.id !== undefined) reached.add(f.id);
      if (!f.shown) unshown.push(f.key);
    }
  };
  await page.locator("header a").first().focus();
  reached.add((await page.locator("header a").first().getAttribute("data-walk")) ?? "");
  await walk("Tab");
  // From the end of the page backwards: what comes after the terminal.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.evaluate(() => {
    const last = [...document.querySelectorAll<HTMLElement>("[data-walk]")].at(-1)!;
    last.focus();
  });
  reached.add(String(controls.length - 1));
  await walk("Shift+Tab");
  const missed = controls.filter((_, i) => !reached.has(String(i)));
  expect(missed, "controls Tab and Shift+Tab never reached").toEqual([]);
  expect([...new Set(unshown)], "controls focused with no visible focus").toEqual([]);
});
