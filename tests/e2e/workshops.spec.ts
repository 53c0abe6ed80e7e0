/**
 * Workshops in Chromium: the catalog, a Killercoda scenario started with one
 * click, a failing then passing Check, progress kept across a reload, a deep
 * link to a step, lesson markup that must not run, and a class: an attendee
 * joins with a name and the instructor's page shows their step live, pushed
 * by the server.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

async function checkUntil(page: Page, passed: boolean) {
  await expect(async () => {
    await page.getByTestId("lesson-check").click();
    await expect(page.getByTestId("check-result")).toHaveAttribute("data-passed", String(passed), { timeout: 5000 });
  }).toPass({ timeout: 90_000 });
}

test.describe.configure({ mode: "serial" });

test("start a workshop, run its commands, see the checks pass, and come back to it", async ({ page }) => {
  await page.setViewportSize({ width: 1500, height: 900 });
  await page.goto("/workshops");
  const card = page.getByTestId("workshop-kc-web-server");
  await expect(card).toContainText("Killercoda scenario");
  await card.getByTestId("start-workshop").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}/);
  await expect(page.getByTestId("lesson-step-title")).toHaveText("Introduction", { timeout: 60_000 });

  await page.getByTestId("lesson-next").click();
  await expect(page.getByTestId("lesson-step-title")).toHaveText("Start nginx");
  await expect(page).toHaveURL(/[?&]step=1/);
  await page.getByTestId("lesson-check").click();
  await expect(page.getByTestId("check-result")).toHaveAttribute("data-passed", "false");
  await expect(page.getByTestId("check-result")).toContainText("No running container called web");

  await page.getByTestId("inline-run").click();
  await checkUntil(page, true);
  await expect(page.getByTestId("lesson-progress")).toHaveText("1/2 checks passed");
  await page.screenshot({ path: "test-results/workshop-check.png" });

  // The progress lives in the session: a reload keeps the step and its result.
  await page.reload();
  await expect(page.getByTestId("lesson-step-title")).toHaveText("Start nginx", { timeout: 30_000 });
  await expect(page.getByTestId("lesson-progress")).toHaveText("1/2 checks passed");

  // A deep link opens a step; its background script put the page in place, and the block's Run serves it.
  await page.goto(page.url().replace(/step=\d+/, "step=2"));
  await expect(page.getByTestId("lesson-step-title")).toHaveText("Serve your own page", { timeout: 30_000 });
  await page.getByTestId("block-run-button").first().click();
  await checkUntil(page, true);
  await expect(page.getByTestId("lesson-progress")).toHaveText("2/2 checks passed");
  await page.getByTestId("lesson-next").click();
  await expect(page.getByTestId("lesson-step-title")).toHaveText("Finished");
});

test("lesson markup never runs in the page", async ({ page }) => {
  await page.goto("/workshops");
  await page.getByTestId("workshop-mini-native").getByTestId("start-workshop").click();
  await expect(page.getByTestId("lesson-step-title")).toHaveText("Introduction", { timeout: 60_000 });
  await expect(page.getByTestId("lesson")).toContainText("this link");
  await page.getByTestId("lesson").getByText("this link").click();
  expect(await page.evaluate(() => (window as { __lessonScript?: number }).__lessonScript)).toBeUndefined();
  await expect(page.getByTestId("lesson").locator("img, script")).toHaveCount(0);
});

test("a class: an attendee joins by its link and the instructor sees their progress live", async ({ page, browser }) => {
  const res = await page.request.post("/api/cohorts", { data: { workshop: "kc-web-server", title: "Tuesday group" } });
  expect(res.status()).toBe(201);
  const cohort = (await res.json()) as { joinPath: string; dashboardPath: string };
  await page.goto(cohort.dashboardPath);
  await expect(page.getByTestId("dashboard-title")).toHaveText("Tuesday group");
  await expect(page.getByTestId("no-attendees")).toBeVisible();
  await expect(page.getByTestId("join-link")).toContainText(cohort.joinPath);
  // The dashboard is sent changes by the server: it asks no more once its stream is open.
  await expect(page.locator('[data-updates="push"]')).toHaveCount(1);
  const polls: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "GET" && new URL(r.url()).pathname === `/api${cohort.dashboardPath}`) polls.push(r.url());
  });

  // The attendee is another browser: their own storage, their own session.
  const student = await (await browser.newContext()).newPage();
  await student.goto(cohort.joinPath);
  await expect(student.getByTestId("class-title")).toHaveText("Tuesday group");
  await student.getByTestId("class-name").fill("Sam");
  await student.getByTestId("class-join").click();
  await expect(student).toHaveURL(/\/s\/[a-z0-9]{24}/);
  await expect(student.getByTestId("lesson-step-title")).toHaveText("Introduction", { timeout: 60_000 });
  await student.getByTestId("lesson-next").click();
  await expect(student.getByTestId("lesson-step-title")).toHaveText("Start nginx");
  await student.getByTestId("lesson-check").click();
  await expect(student.getByTestId("check-result")).toHaveAttribute("data-passed", "false");

  const row = page.getByTestId("attendee");
  await expect(row).toContainText("Sam");
  await expect(row.getByTestId("attendee-step")).toHaveText("1. Start nginx");
  await expect(row.locator('[data-state="failed"]')).toHaveCount(1);
  await page.screenshot({ path: "test-results/class-dashboard.png" });
  expect(polls, "GET of the dashboard while its stream was open").toEqual([]);

  // Watching an attendee: read-only, following their step.
  const watch = await row.getByTestId("attendee-watch").getAttribute("href");
  const watcher = await page.context().newPage();
  await watcher.goto(watch!);
  await expect(watcher.getByTestId("watch-banner")).toBeVisible();
  await expect(watcher.getByTestId("lesson-step-title")).toHaveText("Start nginx", { timeout: 30_000 });
  await expect(watcher.getByTestId("lesson-check")).toHaveCount(0);

  // Coming back to the join link offers the attendee's own session again.
  await student.goto(cohort.joinPath);
  await expect(student.getByTestId("class-continue")).toBeVisible();
  await student.context().close();
});
