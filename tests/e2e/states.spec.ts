/**
 * Every state a person can meet is shown and explained. The server's error
 * answers are stood in for with page.route, so the page's handling of each
 * can be seen without emptying the engine; the answers' shapes are the
 * ones the integration tests check on the real server.
 */
import { expect, test } from "./fixtures";

const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify({ error: { code, message } }),
});

test("a full playground says so on the start page", async ({ page }) => {
  await page.route("**/api/sessions", (route) =>
    route.fulfill(error(503, "playground_full", "The playground is full (30 sessions are running). Try again in a few minutes.")),
  );
  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page.getByTestId("start-error")).toContainText("The playground is full");
  await expect(page.getByTestId("start-session")).toBeEnabled();
});

test("too many new sessions says when to try again", async ({ page }) => {
  await page.route("**/api/sessions", (route) =>
    route.fulfill(error(429, "rate_limited", "Too many new sessions from your address. Try again in 42 s.", { "retry-after": "42" })),
  );
  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page.getByTestId("start-error")).toContainText("42");
});

test("an unreachable engine is explained on the session page, which tries again by itself until it answers", async ({ page }) => {
  const id = "b".repeat(24);
  let calls = 0;
  let engineBack = false;
  await page.route(`**/api/sessions/${id}`, (route) => {
    calls++;
    return route.fulfill(
      engineBack
        ? error(404, "session_not_found", "This session does not exist or has ended. Start a new playground.")
        : error(503, "engine_unavailable", "The Docker engine is not reachable (connect ENOENT). The operator should check that dockerd is running."),
    );
  });
  await page.goto(`/s/${id}`);
  await expect(page.getByTestId("session-error")).toContainText("Docker engine is not reachable");
  await expect(page.getByTestId("auto-retry")).toBeVisible();
  // Without a click, it asks again; a click asks at once.
  const first = calls;
  await expect.poll(() => calls, { timeout: 10_000 }).toBeGreaterThan(first);
  const before = calls;
  await page.getByTestId("retry").click();
  await expect.poll(() => calls).toBeGreaterThan(before);
  await page.screenshot({ path: "test-results/engine-unreachable-page.png" });
  // When the server knows again, the page says what it knows.
  engineBack = true;
  await expect(page.getByTestId("session-gone")).toContainText("does not exist", { timeout: 10_000 });
});

test("a read whose connection fails is asked again at once, without an error on the page", async ({ page }) => {
  const id = "f".repeat(24);
  let calls = 0;
  await page.route(`**/api/sessions/${id}`, (route) => {
    calls++;
    return calls === 1 ? route.abort("internetdisconnected") : route.fulfill(error(404, "session_not_found", "This session does not exist or has ended."));
  });
  // Records whether the error card was ever shown, however briefly.
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="session-error"]')) document.documentElement.dataset.sawError = "yes";
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`/s/${id}`);
  await expect(page.getByTestId("session-gone")).toContainText("does not exist");
  expect(calls).toBe(2);
  expect(await page.evaluate(() => document.documentElement.dataset.sawError ?? "no")).toBe("no");
});

test("a refused session (4xx) is not asked for again and again", async ({ page }) => {
  const id = "d".repeat(24);
  let calls = 0;
  await page.route(`**/api/sessions/${id}`, (route) => {
    calls++;
    return route.fulfill(error(400, "bad_request", "That is not a session id."));
  });
  await page.goto(`/s/${id}`);
  await expect(page.getByTestId("session-error")).toContainText("not a session id");
  await expect(page.getByTestId("auto-retry")).toBeHidden();
  const seen = calls;
  await page.waitForTimeout(4000);
  expect(calls).toBe(seen);
});

test("a node that failed to start shows why", async ({ page }) => {
  const id = "c".repeat(24);
  await page.route(`**/api/sessions/${id}`, (route) =>
    route.fulfill({
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id,
        url: `/s/${id}`,
        access: "control",
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
        maxExpiresAt: new Date(Date.now() + 7200_000).toISOString(),
        nodes: [{ name: "node1", status: "failed", message: "node1 is not ready: its Docker engine did not answer within 60000 ms" }],
        maxNodes: 5,
        connected: [],
      }),
    }),
  );
  await page.goto(`/s/${id}`);
  await expect(page.getByTestId("node-failed")).toContainText("did not answer");
});
