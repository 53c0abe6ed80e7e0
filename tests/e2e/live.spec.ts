/**
 * The session page is told of changes by the server (one event stream), not
 * by asking: a node added from elsewhere shows up and turns ready, and a
 * watcher joining is counted in the header, with no GET of the session made
 * meanwhile.
 */
import { expect, test } from "./fixtures";
import { terminalText } from "./terminal";

test("changes reach the session page without polling", async ({ page, browser }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}$/);
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toMatch(/node1:~# $/m);
  await expect(page.locator('[data-updates="push"]')).toHaveCount(1);
  const id = new URL(page.url()).pathname.split("/").pop()!;
  const polls: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "GET" && new URL(r.url()).pathname === `/api/sessions/${id}`) polls.push(r.url());
  });

  // Someone else (here, the API) adds a node: the page shows it starting, then ready.
  const added = await page.request.post(`/api/sessions/${id}/nodes`);
  expect(added.status()).toBe(201);
  const tab = page.locator('[data-testid="node-tab"][data-node="node2"]');
  await expect(tab).toBeVisible();
  await expect(tab).toHaveAttribute("data-status", "ready", { timeout: 60_000 });

  // A watcher opens the watch link: the header counts two.
  await page.getByTestId("share-button").click();
  const watchUrl = await page.getByTestId("share-watch-link").inputValue();
  await page.keyboard.press("Escape");
  const other = await browser.newContext();
  const watcher = await other.newPage();
  await watcher.goto(watchUrl);
  await expect(watcher.getByTestId("watch-banner")).toBeVisible();
  await expect(page.getByTestId("participant-count")).toHaveText("2", { timeout: 10_000 });
  await other.close();
  await expect(page.getByTestId("participant-count")).toHaveText("1", { timeout: 10_000 });
  expect(polls, "GET /api/sessions/:id while the stream was open").toEqual([]);

  // Ended elsewhere: the page says so at once.
  expect((await page.request.delete(`/api/sessions/${id}`)).status()).toBe(204);
  await expect(page.getByTestId("session-gone")).toBeVisible({ timeout: 10_000 });
});
