/**
 * The workspace at the sizes people use. In a workshop session (the lesson
 * opens by itself), every combination of the lesson, the editor (with no
 * file, then with one) and the Docker panel at 1280x800, 1440x900 and
 * 1920x1080 leaves the shell at least 80 columns, as `stty size` in the node
 * says; a pane that did not fit is folded and comes back in one click. On a
 * phone the panes are tabs and the terminal has the whole width. Beside an
 * open file the file tree can step aside for the editor. Screenshots
 * of each go to test-results/layout/.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { run, terminalText } from "./terminal";

type PaneId = "lesson" | "editor" | "docker";
const TOGGLE: Record<PaneId, string> = { lesson: "lesson-toggle", editor: "editor-toggle", docker: "docker-panel-toggle" };
const PANE: Record<PaneId, string> = { lesson: "lesson-pane", editor: "editor-pane", docker: "docker-panel" };
const SIZES = [
  [1280, 800],
  [1440, 900],
  [1920, 1080],
] as const;

test.describe.configure({ mode: "serial" });

async function startWorkshop(page: Page) {
  await page.goto("/workshops");
  await page.getByTestId("workshop-kc-web-server").getByTestId("start-workshop").click();
  await expect(page).toHaveURL(/\/s\/[a-z0-9]{24}/);
  await expect(page.getByTestId("lesson-step-title")).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toMatch(/node1:~# $/m);
}

const termCols = (page: Page) => page.evaluate(() => window.__playgroundTerm?.cols ?? 0);

/** What `stty size` says in the shell, asked anew: rows and columns. */
async function shellSize(page: Page): Promise<{ rows: number; cols: number }> {
  const answers = () => terminalText(page).then((t) => [...t.matchAll(/^tty=(\d+) (\d+)\s*$/gm)]);
  const before = (await answers()).length;
  await run(page, 'echo "tty=$(stty size)"');
  await expect.poll(async () => (await answers()).length, { timeout: 10_000 }).toBeGreaterThan(before);
  const last = (await answers()).at(-1)!;
  return { rows: Number(last[1]), cols: Number(last[2]) };
}

/** The shell settles at the terminal's size, and that is at least 80 columns. */
async function expectEightyColumns(page: Page, what: string) {
  await expect(async () => {
    const shell = await shellSize(page);
    expect(shell.cols, `${what}: the shell and the terminal agree`).toBe(await termCols(page));
    expect(shell.cols, `${what}: columns`).toBeGreaterThanOrEqual(80);
  }).toPass({ timeout: 20_000 });
}

async function setPanes(page: Page, want: Record<PaneId, boolean>) {
  for (const id of ["docker", "editor", "lesson"] as const) {
    const toggle = page.getByTestId(TOGGLE[id]);
    if (((await toggle.getAttribute("aria-pressed")) === "true") !== want[id]) await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", String(want[id]));
  }
}

/** Each pane asked for is on screen or folded to a strip; the others are not there. */
async function expectPanes(page: Page, want: Record<PaneId, boolean>) {
  for (const id of ["lesson", "editor", "docker"] as const) {
    const pane = page.getByTestId(PANE[id]);
    const unfold = page.getByTestId(`unfold-${id}`);
    if (!want[id]) {
      await expect(pane).toBeHidden();
      await expect(unfold).toHaveCount(0);
    } else {
      // One or the other, once the pane has loaded (the editor's code comes when it is first opened).
      const where = async () => ((await pane.isVisible()) ? "shown" : "") + ((await unfold.isVisible()) ? "folded" : "");
      await expect.poll(where, { message: `${id}: shown or folded` }).toMatch(/^(shown|folded)$/);
    }
  }
}

/** No control of a pane shown runs past the pane's edges (a tab bar too wide for a narrow pane, say). */
async function expectControlsInside(page: Page, what: string) {
  const outside = await page.evaluate((panes) => {
    const out: string[] = [];
    for (const id of panes) {
      const pane = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
      if (!pane || pane.getClientRects().length === 0) continue;
      const box = pane.getBoundingClientRect();
      for (const el of pane.querySelectorAll<HTMLElement>("a[href], button, input, select")) {
        if (el.closest(".monaco-editor") || el.getClientRects().length === 0) continue;
        const r = el.getBoundingClientRect();
        if (r.left < box.left - 1 || r.right > box.right + 1) out.push(`${id}: ${el.dataset.testid || el.textContent?.trim().slice(0, 20)}`);
      }
    }
    return out;
  }, Object.values(PANE));
  expect(outside, `${what}: controls past their pane's edge`).toEqual([]);
}

test("every pane combination leaves the shell 80 columns at 1280x800, 1440x900 and 1920x1080", async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await startWorkshop(page);
  for (const withFile of [false, true]) {
    if (withFile) {
      await setPanes(page, { lesson: false, editor: true, docker: false });
      await page.locator('[data-testid="tree-entry"][data-path="/root/.bashrc"]').click();
      await expect(page.getByTestId("editor-file")).toContainText("/root/.bashrc");
    }
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      for (let mask = 0; mask < 8; mask++) {
        const want = { lesson: !!(mask & 1), editor: !!(mask & 2), docker: !!(mask & 4) };
        if (withFile && !want.editor) continue; // the same as without a file
        await setPanes(page, want);
        const name = `${width}x${height}-${Object.entries(want).filter(([, on]) => on).map(([id]) => id).join("+") || "terminal"}${withFile && want.editor ? "-file" : ""}`;
        await expectPanes(page, want);
        await expectEightyColumns(page, name);
        await expectControlsInside(page, name);
        await page.screenshot({ path: `test-results/layout/${name}.png` });
      }
    }
  }
});

test("a folded pane comes back in one click, and the pane asked for last stays", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await startWorkshop(page);
  await setPanes(page, { lesson: true, editor: true, docker: false });
  await page.locator('[data-testid="tree-entry"][data-path="/root/.bashrc"]').click();
  // An editor with a file and the lesson do not both fit beside 80 columns: the lesson, asked for first, folds.
  await expect(page.getByTestId("editor")).toBeVisible();
  await expect(page.getByTestId("lesson-pane")).toBeHidden();
  await expect(page.getByTestId("lesson-toggle")).toHaveAttribute("data-folded", "true");
  await page.getByTestId("unfold-lesson").click();
  await expect(page.getByTestId("lesson-pane")).toBeVisible();
  await expect(page.getByTestId("editor-pane")).toBeHidden();
  // The editor kept its file while folded.
  await page.getByTestId("unfold-editor").click();
  await expect(page.getByTestId("editor-file")).toContainText("/root/.bashrc");
  await expect(page.getByTestId("lesson-pane")).toBeHidden();
  await expectEightyColumns(page, "after unfolding");

  // A dragged width is kept per browser.
  const handle = page.getByRole("separator", { name: "Resize the editor" });
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x - 28, box.y + 200, { steps: 4 });
  await page.mouse.up();
  const dragged = await page.getByTestId("editor-pane").evaluate((el) => el.getBoundingClientRect().width);
  await page.reload();
  await expect(page.getByTestId("terminal-status")).toHaveText("connected", { timeout: 30_000 });
  // The editor was left open; opening its file again asks for it over the lesson, which comes back folded.
  await page.locator('[data-testid="tree-entry"][data-path="/root/.bashrc"]').click();
  await expect(page.getByTestId("unfold-lesson")).toBeVisible();
  await expect
    .poll(() => page.getByTestId("editor-pane").evaluate((el) => Math.round(el.getBoundingClientRect().width)))
    .toBe(Math.round(dragged));
  await expectEightyColumns(page, "after the drag");
});

test("beside an open file the file tree steps aside: the editor's lines get its width, and it stays so after a reload", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await startWorkshop(page);
  await setPanes(page, { lesson: false, editor: true, docker: false });
  const bashrc = page.locator('[data-testid="tree-entry"][data-path="/root/.bashrc"]');
  await bashrc.click();
  await expect(page.getByTestId("editor-file")).toContainText("/root/.bashrc");
  const editorWidth = () => page.locator(".monaco-editor").first().evaluate((el) => el.getBoundingClientRect().width);
  const before = await editorWidth();
  const toggle = page.getByTestId("editor-tree-toggle");
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await toggle.click();
  await expect(page.getByTestId("editor-tree")).toBeHidden();
  await expect.poll(editorWidth).toBeGreaterThan(before + 200);
  await expectEightyColumns(page, "with the tree hidden");
  await page.screenshot({ path: "test-results/layout/1280x800-editor-file-no-tree.png" });

  // Kept per browser. With no file the tree is all there is; a file opened from it by keyboard
  // takes the tree's place and the keyboard with it.
  await page.reload();
  await expect(page.getByTestId("terminal-status")).toHaveText("connected", { timeout: 30_000 });
  await bashrc.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("editor-file")).toContainText("/root/.bashrc");
  await expect(page.getByTestId("editor-tree")).toBeHidden();
  await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[data-testid="editor"]'))).toBe(true);
  await page.getByTestId("editor-tree-toggle").click();
  await expect(bashrc).toBeVisible();
  // edit FILE in the terminal opens the next one, the tree shown now.
  await run(page, "edit /root/.profile");
  await expect(page.getByTestId("editor-file")).toContainText("/root/.profile");
  await expect(bashrc).toBeVisible();
});

test("on a phone the panes are tabs, the terminal has the whole width, and the header is one line", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await startWorkshop(page);
  const tabs = page.getByTestId("pane-tabs");
  await expect(tabs).toBeVisible();
  // A lesson is what is read first.
  await expect(page.getByTestId("pane-tab-lesson")).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("lesson-pane")).toBeVisible();
  const header = await page.locator("header").boundingBox();
  expect(header!.height, "the header's height").toBeLessThan(60);
  await page.screenshot({ path: "test-results/layout/390x844-lesson.png" });

  await page.getByTestId("pane-tab-terminal").click();
  await expect(page.getByTestId("terminal")).toBeVisible();
  await expect(page.getByTestId("lesson-pane")).toBeHidden();
  const width = await page.getByTestId("terminal").evaluate((el) => el.getBoundingClientRect().width);
  expect(width).toBeGreaterThan(390 - 24);
  await expect(async () => {
    const shell = await shellSize(page);
    expect(shell.cols).toBe(await termCols(page));
    expect(shell.cols).toBeGreaterThanOrEqual(40);
  }).toPass({ timeout: 20_000 });
  await page.screenshot({ path: "test-results/layout/390x844-terminal.png" });

  // The lesson's Run shows the terminal it types into.
  await page.getByTestId("pane-tab-lesson").click();
  await page.getByTestId("lesson-next").click();
  await page.getByTestId("inline-run").first().click();
  await expect(page.getByTestId("pane-tab-terminal")).toHaveAttribute("aria-selected", "true");

  for (const tab of ["editor", "docker"] as const) {
    await page.getByTestId(`pane-tab-${tab}`).click();
    await expect(page.getByTestId(PANE[tab])).toBeVisible();
    await page.screenshot({ path: `test-results/layout/390x844-${tab}.png` });
  }
  // By keyboard, the arrows only move between the pane tabs; Enter shows one (showing the editor loads it).
  await page.getByTestId("pane-tab-docker").focus();
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByTestId("pane-tab-terminal")).toBeFocused();
  await expect(page.getByTestId("pane-tab-docker")).toHaveAttribute("aria-selected", "true");
  // Hidden tabs kept the shell's size: a hidden terminal never tells the shell it is 0 wide.
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("pane-tab-terminal")).toHaveAttribute("aria-selected", "true");
  const shell = await shellSize(page);
  expect(shell.cols).toBeGreaterThanOrEqual(40);
});

test("on a touch screen the terminal does not show the Esc then Tab hint (no Tab key), but still describes it", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
  const page = await context.newPage();
  await startWorkshop(page);
  await page.getByTestId("pane-tab-terminal").click();
  await page.locator(".xterm-helper-textarea").focus();
  const hint = page.getByTestId("terminal-leave-hint");
  await expect(hint).not.toHaveClass(/sr-only/); // the terminal has the focus
  await expect(hint).toBeHidden();
  const described = await page.locator(".xterm-helper-textarea").getAttribute("aria-describedby");
  expect(await hint.getAttribute("id")).toBe(described);
  await context.close();
});
