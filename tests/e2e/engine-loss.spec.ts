/**
 * What a learner sees when the host's Docker engine goes away mid-session and
 * comes back: a server of its own reaches the engine through a proxy the test
 * cuts and restores (tests/support/engine-proxy.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "./fixtures";
import { EngineProxy } from "../support/engine-proxy";
import { newInstance, removeInstance, startServer, type TestServer } from "../support/server";
import { run, terminalText } from "./terminal";

const dir = mkdtempSync(join(tmpdir(), "engine-loss-e2e-"));
const proxy = new EngineProxy(join(dir, "engine.sock"));
const instance = newInstance();
let app: TestServer;

test.beforeAll(async () => {
  await proxy.up();
  app = await startServer({ DOCKER_HOST: `unix://${proxy.path}` }, instance);
});

test.afterAll(async () => {
  await app?.stop();
  await proxy.down();
  await removeInstance(instance);
  rmSync(dir, { recursive: true, force: true });
});

test("the terminal says the engine is lost, and comes back to the same screen when it returns", async ({ page }) => {
  const session = await app.readySession();
  await page.goto(new URL(session.url, app.url).toString());
  await expect.poll(() => terminalText(page)).toMatch(/node1:~# $/m);
  await run(page, "echo before-the-loss");
  await expect.poll(() => terminalText(page)).toMatch(/^before-the-loss$/m);

  await proxy.down();
  const banner = page.getByTestId("terminal-banner");
  await expect(banner).toContainText("Lost the connection to the Docker engine; retrying", { timeout: 15_000 });
  await expect(page.getByTestId("terminal-status")).toHaveText("reconnecting");
  // It keeps trying, and keeps saying why.
  await page.waitForTimeout(4000);
  await expect(banner).toContainText("Lost the connection to the Docker engine");
  await page.screenshot({ path: "test-results/engine-lost.png" });

  await proxy.up();
  await expect(banner).toBeHidden({ timeout: 20_000 });
  await expect(page.getByTestId("terminal-status")).toHaveText("connected");
  await run(page, "echo after-the-loss");
  await expect.poll(() => terminalText(page)).toMatch(/^after-the-loss$/m);
  const text = await terminalText(page);
  expect(text).toMatch(/before-the-loss[^]*connection to the Docker engine was lost[^]*after-the-loss/);
});
