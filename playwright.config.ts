import { defineConfig } from "@playwright/test";

/** Browser tests: Debian's Chromium against the production server on its own port and instance. */
const port = Number(process.env.E2E_PORT ?? 3100);
export const E2E_INSTANCE = process.env.E2E_INSTANCE ?? "e2e";

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 90_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  globalTeardown: "./tests/e2e/teardown.ts",
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      // Chromium's own background traffic has nowhere to go on a closed network.
      args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: "node_modules/.bin/tsx server.ts",
    url: `http://localhost:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      PLAYGROUND_INSTANCE: E2E_INSTANCE,
      RATE_LIMIT_SESSIONS: "1000",
      CLASS_WARM_MINUTES: "0",
      // A Killercoda scenario and a native lesson with every kind of block.
      LESSON_DIRS: "tests/fixtures/lessons",
    },
  },
});
