import { expect, test } from "./fixtures";
import { terminalText } from "./terminal";

test("start a playground, run docker in the terminal, end the session", async ({ page }) => {
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));

  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}$/);
  await expect(page.getByTestId("node-name")).toHaveText("node1");
  await expect(page.getByTestId("countdown")).toHaveText(/^[34]:\d\d:\d\d$/);
  await expect(page.getByTestId("terminal-status")).toHaveText("connected");
  await expect.poll(() => terminalText(page)).toMatch(/node1:~# $/m);

  await page.getByTestId("terminal").click();
  await page.keyboard.type("docker run hello-world");
  await page.keyboard.press("Enter");
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain("Hello from the Docker playground!");
  await page.screenshot({ path: "test-results/session.png" });

  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
  await expect(page.getByTestId("session-gone")).toContainText(/ended/i);

  const foreign = requests.filter((u) => !u.startsWith("http://localhost:") && !u.startsWith("ws://localhost:") && !u.startsWith("data:"));
  expect(foreign).toEqual([]);
});

test("an unknown session says so and offers a new one", async ({ page }) => {
  await page.goto(`/s/${"a".repeat(24)}`);
  await expect(page.getByTestId("session-gone")).toBeVisible();
  await expect(page.getByTestId("session-gone")).toContainText(/does not exist|ended/i);
});

test("a script chunk that fails to load (as when Docker changes the network) reloads the page once, which then works", async ({ page }) => {
  // Chromium fails connections being made when interfaces change (ERR_NETWORK_CHANGED); the first chunk fails the same way here.
  let failed = "";
  await page.route("**/_next/static/chunks/**", (route) => {
    if (failed || !route.request().url().endsWith(".js")) return route.continue();
    failed = route.request().url();
    return route.abort("internetdisconnected");
  });
  let documents = 0;
  page.on("request", (r) => {
    if (r.isNavigationRequest()) documents++;
  });
  await page.goto(`/s/${"e".repeat(24)}`);
  await expect(page.getByTestId("session-gone")).toContainText(/does not exist|ended/i);
  expect(failed).toMatch(/\/_next\/static\/chunks\/.+\.js$/);
  expect(documents).toBe(2);
});

test("a page refresh keeps the same shell", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}$/);
  await expect.poll(() => terminalText(page)).toMatch(/node1:~# $/m);
  await page.getByTestId("terminal").click();
  await page.keyboard.type("echo refresh-marker-$((6*7))");
  await page.keyboard.press("Enter");
  await expect.poll(() => terminalText(page)).toContain("refresh-marker-42");
  await page.reload();
  await expect(page.getByTestId("terminal-status")).toHaveText("connected");
  await expect.poll(() => terminalText(page)).toContain("refresh-marker-42");
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
});

test("Start opens the session in the same page; Back shows the landing page and Forward the same shell", async ({ page }) => {
  let documents = 0;
  page.on("request", (r) => {
    if (r.isNavigationRequest()) documents++;
  });
  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}$/);
  const session = page.url();
  await expect.poll(() => terminalText(page)).toMatch(/node1:~# $/m);
  await page.getByTestId("terminal").click();
  await page.keyboard.type("echo history-marker-$((6*7))");
  await page.keyboard.press("Enter");
  await expect.poll(() => terminalText(page)).toContain("history-marker-42");
  expect(documents).toBe(1);

  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("start-session")).toBeVisible();
  await expect(page.getByTestId("terminal")).toHaveCount(0);

  await page.goForward();
  await expect(page).toHaveURL(session);
  await expect(page.getByTestId("terminal-status")).toHaveText("connected");
  await expect.poll(() => terminalText(page)).toContain("history-marker-42");
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
});

test("with the site's storage blocked (as the browser's 'block site data' does), the playground and a class still work", async ({ page }) => {
  // Chromium then throws a SecurityError on any use of localStorage or sessionStorage.
  const blockStorage = () => {
    for (const name of ["localStorage", "sessionStorage"]) {
      Object.defineProperty(window, name, {
        get() {
          throw new DOMException(`Failed to read the '${name}' property from 'Window': Access is denied for this document.`, "SecurityError");
        },
      });
    }
  };
  await page.addInitScript(blockStorage);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));

  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}$/);
  await expect.poll(() => terminalText(page)).toMatch(/node1:~# $/m);
  await page.getByTestId("terminal").click();
  await page.keyboard.type("echo kept-$((6*7))");
  await page.keyboard.press("Enter");
  await expect.poll(() => terminalText(page)).toContain("kept-42");
  // Every setting still works for as long as the page lasts.
  await page.getByTestId("editor-toggle").click();
  await expect(page.getByTestId("editor-toggle")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("editor-tree")).toBeVisible();
  const panel = page.getByTestId("docker-panel-toggle");
  const panelWas = await panel.getAttribute("aria-pressed");
  await panel.click();
  await expect(panel).toHaveAttribute("aria-pressed", panelWas === "true" ? "false" : "true");
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();

  const res = await page.request.post("/api/cohorts", { data: { workshop: "kc-web-server", title: "No storage" } });
  expect(res.status()).toBe(201);
  const cohort = (await res.json()) as { joinPath: string };
  await page.goto(cohort.joinPath);
  await expect(page.getByTestId("class-title")).toHaveText("No storage");
  await page.getByTestId("class-name").fill("Ana");
  await page.getByTestId("class-join").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}/);
  await expect(page.getByTestId("lesson-step-title")).toHaveText("Introduction", { timeout: 60_000 });
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
  expect(errors).toEqual([]);
});
