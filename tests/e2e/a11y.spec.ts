/**
 * Accessibility, checked by axe-core in Chromium: the landing page, the
 * workshops, a workshop session with each pane open, and a class's
 * dashboard have no serious or critical violation of WCAG 2 A and AA (colour
 * contrast included, in the dark theme the pages use).
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

test("the landing page and the workshops", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("start-session")).toBeVisible();
  await expectNoSerious(page, "/");
  await page.goto("/workshops");
  await expect(page.getByTestId("workshop-kc-web-server")).toBeVisible();
  await expectNoSerious(page, "/workshops");
});

test("a workshop session with each pane open", async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto("/workshops");
  await page.getByTestId("workshop-kc-web-server").getByTestId("start-workshop").click();
  await expect(page.getByTestId("lesson-step-title")).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toMatch(/node1:~# $/m);
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
