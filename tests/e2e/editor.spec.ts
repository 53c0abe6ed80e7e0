/**
 * The editor in Chromium: a Dockerfile opened from the tree gets a marker for
 * a typo, is fixed, saved and built from the editor; a compose file gets the
 * diagnostics of an invalid subnet and an undeclared network at their lines;
 * nothing is fetched from outside while the editor loads.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { run, terminalText } from "./terminal";

interface Marker {
  startLineNumber: number;
  message: string;
  severity: number;
}

const markers = (page: Page, owner = "playground") =>
  page.evaluate((o) => {
    const e = window.__playgroundEditor;
    const model = e?.editor.getModel();
    return model ? (e!.monaco.editor.getModelMarkers({ owner: o, resource: model.uri }) as unknown as Marker[]) : [];
  }, owner);

const content = (page: Page) => page.evaluate(() => window.__playgroundEditor?.editor.getValue() ?? "");

async function openFromTree(page: Page, path: string) {
  await page.getByTestId("tree-refresh").click();
  const parts = path.split("/").slice(2); // below /root
  for (let i = 0; i < parts.length - 1; i++) {
    const folder = `/root/${parts.slice(0, i + 1).join("/")}`;
    await page.locator(`[data-testid="tree-entry"][data-path="${folder}"]`).click();
  }
  await page.locator(`[data-testid="tree-entry"][data-path="${path}"]`).click();
  await expect(page.getByTestId("editor-file")).toContainText(path);
}

test("a Dockerfile from the tree: a typo is marked, fixed, saved and built from the editor", async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 900 });
  const foreign: string[] = [];
  page.on("request", (r) => {
    const url = r.url();
    if (!/^(http|ws):\/\/localhost:\d+\//.test(url) && !url.startsWith("data:") && !url.startsWith("blob:")) foreign.push(url);
  });
  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}$/);
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toMatch(/node1:~# $/m);
  await run(page, `mkdir -p app && printf 'FROM busybox\\nRUN echo built-by-the-editor > /built.txt\\nCMD ["cat", "/built.txt"]\\n' > app/Dockerfile`);

  await page.getByTestId("editor-toggle").click();
  await openFromTree(page, "/root/app/Dockerfile");
  await expect.poll(() => content(page)).toContain("FROM busybox");
  expect(await markers(page)).toEqual([]);

  // A typo: RUN becomes RUNN on line 2.
  await page.evaluate(() => {
    const { editor } = window.__playgroundEditor!;
    editor.focus();
    editor.setPosition({ lineNumber: 2, column: 4 });
  });
  await page.keyboard.type("N");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("editor-dirty")).toBeVisible();
  await expect.poll(async () => (await markers(page)).map((m) => m.startLineNumber)).toContain(2);
  expect((await markers(page)).find((m) => m.startLineNumber === 2)?.message).toMatch(/RUNN|instruction/i);
  await expect(page.locator('[data-testid="problem"][data-line="2"]')).toBeVisible();

  // Fixed: the marker goes away. Saved with Ctrl+S.
  await page.keyboard.press("Backspace");
  await expect.poll(async () => (await markers(page)).length).toBe(0);
  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("editor-dirty")).toHaveCount(0);

  // Build from the editor: the output streams into the terminal; the image is then in the node.
  page.once("dialog", (d) => void d.accept("editor-built:1"));
  await page.getByTestId("editor-build").click();
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain("playground-build -t editor-built:1");
  // Lines are cut at the terminal's width: wait for the naming step, then the prompt.
  await expect.poll(() => terminalText(page), { timeout: 90_000 }).toMatch(/naming to docker\.io\/library\/editor-b[\s\S]*node1:~# $/m);
  // Only the built image prints this line alone.
  await run(page, "docker run --rm editor-built:1");
  await expect.poll(() => terminalText(page), { timeout: 90_000 }).toMatch(/^built-by-the-editor\s*$/m);

  expect(foreign).toEqual([]);
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
});

test("a compose file with an invalid subnet and an undeclared network gets both diagnostics at their lines", async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 900 });
  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}$/);
  const id = page.url().split("/s/")[1]!;
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toMatch(/node1:~# $/m);
  const compose = [
    "services:", //                      1
    "  web:", //                         2
    "    image: nginx", //               3
    "    networks:", //                  4
    "      - front", //                  5
    "      - backend", //                6: declared nowhere
    "networks:", //                      7
    "  front:", //                       8
    "    ipam:", //                      9
    "      config:", //                 10
    "        - subnet: 192.268.100.1/24", // 11: 268 is not an octet
    "",
  ].join("\n");
  const put = await page.request.put(`/api/sessions/${id}/nodes/node1/files?path=stack/compose.yaml`, { data: compose });
  expect(put.status()).toBe(201);

  await page.getByTestId("editor-toggle").click();
  await openFromTree(page, "/root/stack/compose.yaml");
  await expect.poll(async () => (await markers(page)).map((m) => m.startLineNumber).sort((a, b) => a - b)).toEqual([6, 11]);
  const found = await markers(page);
  expect(found.find((m) => m.startLineNumber === 6)?.message).toMatch(/backend/);
  expect(found.find((m) => m.startLineNumber === 11)?.message).toMatch(/268/);
  await expect(page.getByTestId("editor-up")).toBeVisible();

  // Completion offers the keys a service may have.
  await page.evaluate(() => {
    const { editor } = window.__playgroundEditor!;
    editor.focus();
    editor.setPosition({ lineNumber: 3, column: 17 });
  });
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("por");
  await page.keyboard.press("Control+Space");
  await expect(page.locator(".monaco-editor .suggest-widget")).toContainText("ports");
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
});

test("edit FILE in the terminal opens it in the editor; a failing build marks its line", async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 900 });
  await page.goto("/");
  await page.getByTestId("start-session").click();
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toMatch(/node1:~# $/m);
  await run(page, `mkdir -p broken && printf 'FROM busybox\\nRUN exit 3\\n' > broken/Dockerfile && edit broken/Dockerfile`);
  await expect(page.getByTestId("editor-file")).toContainText("/root/broken/Dockerfile");
  await expect.poll(() => content(page)).toContain("RUN exit 3");

  page.once("dialog", (d) => void d.accept("broken:1"));
  await page.getByTestId("editor-build").click();
  await expect.poll(async () => (await markers(page, "docker")).map((m) => m.startLineNumber), { timeout: 90_000 }).toEqual([2]);
  await expect(page.getByTestId("editor-notice")).toContainText("line 2");
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-gone")).toBeVisible();
});
