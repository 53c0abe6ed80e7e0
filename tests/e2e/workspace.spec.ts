/**
 * The session workspace in Chromium: a second node with its own terminal,
 * a published port opened through its link, a watch-only link, an upload,
 * and the Docker panel with a container and its image's layers.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { terminalText, run } from "./terminal";

async function startSession(page: Page): Promise<string> {
  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}$/);
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toMatch(/node1:~# $/m);
  return page.url();
}

test.describe.configure({ mode: "serial" });

test("add a node, use its terminal, open a published port, upload a file", async ({ page, context }) => {
  await page.setViewportSize({ width: 1500, height: 900 });
  await startSession(page);

  await page.getByTestId("add-node").click();
  const tab = page.locator('[data-testid="node-tab"][data-node="node2"]');
  await expect(tab).toHaveAttribute("data-status", "ready", { timeout: 60_000 });
  await expect(tab).toHaveAttribute("aria-pressed", "true");
  await expect(tab).toContainText(/\d+\.\d+\.\d+\.\d+/);
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toMatch(/node2:~# $/m);
  await run(page, "hostname; docker run -d -p 8080:80 --name web nginx");
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toMatch(/^[0-9a-f]{64}$/m);

  // The port appears by itself, and its link opens nginx's page in a new tab.
  const link = page.locator('[data-testid="port-link"][data-port="8080"]');
  await expect(link).toBeVisible({ timeout: 10_000 });
  await expect(link).toHaveAttribute("href", /^http:\/\/8080-node2-[a-z0-9]{24}\.localhost:\d+\/$/);
  const [opened] = await Promise.all([context.waitForEvent("page"), link.click()]);
  await expect(opened.locator("h1")).toHaveText("Welcome to nginx!");
  await opened.screenshot({ path: "test-results/port-page.png" });
  await opened.close();

  // "Open port" on a port nothing listens on: a clear page, not a browser error.
  await page.getByTestId("open-port-input").fill("8089");
  const [empty] = await Promise.all([context.waitForEvent("page"), page.getByTestId("open-port").click()]);
  await expect(empty.getByTestId("port-error")).toContainText("Nothing answers on port 8089 of node2");
  await empty.close();

  // An upload through the file picker lands in the node's /root.
  await page.getByTestId("files-menu").click();
  await page.getByTestId("upload-input").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("uploaded-from-the-browser\n") });
  await expect(page.getByTestId("upload-result")).toContainText("1 file");
  await run(page, "cat /root/notes.txt");
  await expect.poll(() => terminalText(page)).toContain("uploaded-from-the-browser");

  // Dropped on the terminal, a file lands the same way.
  const drop = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(["dropped-on-the-terminal\n"], "dropped.txt", { type: "text/plain" }));
    return data;
  });
  await page.getByTestId("drop-zone").dispatchEvent("dragenter", { dataTransfer: drop });
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer: drop });
  await expect(page.getByTestId("upload-result")).toContainText("1 file");
  await run(page, "cat /root/dropped.txt");
  await expect.poll(() => terminalText(page)).toContain("dropped-on-the-terminal");

  // Back to node1: its own shell, not node2's.
  await page.locator('[data-testid="node-tab"][data-node="node1"]').click();
  await expect.poll(() => terminalText(page)).toMatch(/node1:~# $/m);
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
});

test("a watch-only link shows the terminal live but refuses typing", async ({ page, browser }) => {
  await startSession(page);
  await page.getByTestId("share-button").click();
  const watchUrl = await page.getByTestId("share-watch-link").inputValue();
  expect(watchUrl).toMatch(/\/s\/[a-z0-9]{24}$/);
  expect(watchUrl).not.toBe(page.url());
  await page.keyboard.press("Escape");

  const other = await browser.newContext();
  const watcher = await other.newPage();
  await watcher.goto(watchUrl);
  await expect(watcher.getByTestId("watch-banner")).toBeVisible();
  await expect(watcher.getByTestId("end-session")).toHaveCount(0);
  await expect(watcher.getByTestId("add-node")).toHaveCount(0);
  await expect.poll(() => terminalText(watcher)).toMatch(/node1:~# $/m);

  await run(page, "echo live-$((6*7))");
  await expect.poll(() => terminalText(watcher)).toContain("live-42");

  await run(watcher, "echo typed-by-watcher > /tmp/watcher");
  await page.waitForTimeout(500);
  expect(await terminalText(page)).not.toContain("typed-by-watcher");
  await run(page, "ls /tmp/watcher || echo no-watcher-file");
  await expect.poll(() => terminalText(page)).toContain("no-watcher-file");

  await expect(page.getByTestId("participant-count")).toHaveText("2", { timeout: 10_000 });
  await other.close();
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
});

test("the Docker panel shows a container started in the terminal, and its image's layers", async ({ page }) => {
  await page.setViewportSize({ width: 1500, height: 900 });
  await startSession(page);
  // Open unless it is (its contents may still be on their way).
  const toggle = page.getByTestId("docker-panel-toggle");
  if ((await toggle.getAttribute("aria-pressed")) !== "true") await toggle.click();
  await expect(page.getByTestId("docker-panel")).toBeVisible();

  await run(page, "docker run -d --name hello-web nginx");
  const row = page.locator('[data-testid="container-row"][data-name="hello-web"]');
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row).toContainText("nginx");

  await page.getByTestId("docker-tab-images").click();
  const image = page.locator('[data-testid="image-row"]').filter({ hasText: "nginx" }).first();
  await image.getByRole("button", { name: /layers/i }).click();
  const layers = page.getByTestId("layers-view");
  await expect(layers).toBeVisible();
  await expect(layers.getByTestId("layer-row").first()).toBeVisible({ timeout: 30_000 });
  await expect(layers).toContainText(/apt-get .*nginx/);
  await page.screenshot({ path: "test-results/layers.png" });
  await page.keyboard.press("Escape");
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
});

test("the last minutes bring a warning; Extend gives more time", async ({ page }) => {
  // The session's answers say it ends in four minutes, until Extend is clicked (the extension itself is real).
  // Without EventSource the page polls, as in a browser that cannot keep the stream: those answers are changed here.
  await page.addInitScript("delete window.EventSource");
  let nearTheEnd = true;
  await page.route(/\/api\/sessions\/[a-z0-9]{24}$/, async (route) => {
    const response = await route.fetch();
    if (route.request().method() !== "GET" || !nearTheEnd || !response.ok()) return route.fulfill({ response });
    const view = await response.json();
    return route.fulfill({ response, json: { ...view, expiresAt: new Date(Date.now() + 4 * 60_000).toISOString() } });
  });
  await startSession(page);
  await expect(page.getByTestId("expiry-warning")).toBeVisible();
  await expect(page.getByTestId("expiry-warning")).toContainText(/ends in 0:0[34]:\d\d/);
  nearTheEnd = false;
  await page.getByTestId("expiry-warning").getByRole("button", { name: "Extend" }).click();
  await expect(page.getByTestId("expiry-warning")).toHaveCount(0);
  await expect(page.getByTestId("countdown")).toHaveText(/^[45]:\d\d:\d\d$/);
  await page.unrouteAll({ behavior: "wait" });
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
});

test("a killed Docker engine shows a Restart button that brings it back in the same terminal", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 800 });
  await startSession(page);
  await run(page, "echo before-$((20+1)); pkill -9 -x dockerd");
  const stopped = page.getByTestId("node-stopped");
  await expect(stopped).toBeVisible({ timeout: 10_000 });
  await expect(stopped).toContainText("The Docker engine in node1 stopped (exit status 137: it was killed)");
  await expect(page.locator('[data-testid="node-tab"][data-node="node1"]')).toHaveAttribute("data-status", "stopped");
  // The shell is still there, and says so at its next prompt.
  await run(page, "docker ps");
  await expect.poll(() => terminalText(page)).toMatch(/Cannot connect to the Docker daemon/);
  await page.screenshot({ path: "test-results/engine-stopped.png" });

  await page.getByTestId("restart-node").click();
  await expect(stopped).toHaveCount(0, { timeout: 60_000 });
  await expect(page.locator('[data-testid="node-tab"][data-node="node1"]')).toHaveAttribute("data-status", "ready", { timeout: 60_000 });
  await run(page, "docker version --format engine-{{.Server.Version}}");
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toMatch(/^engine-\d+/m);
  expect(await terminalText(page)).toContain("before-21");
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
});
