/**
 * The bench's capacity part: what a class feels. The click on Start until
 * the prompt is drawn, in Chromium; a burst of sessions asked for at once;
 * and how many idle sessions one host holds.
 */
import { readFileSync } from "node:fs";
import type { TestServer } from "../support/server";
import { TestTerminal } from "../support/terminal-client";

const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

export async function waitPool(server: TestServer, ready: number): Promise<void> {
  for (;;) {
    const h = await (await server.api("/api/health")).json();
    if (h.pool.ready >= ready) return;
    await sleep(100);
  }
}

/** Threads on the host (each takes one of kernel.pid_max's ids). */
export function hostTasks(): number {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[3]?.split("/")[1] ?? 0);
}

/** The host's CPU time so far: busy and idle jiffies. */
function cpuTimes(): { busy: number; idle: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: f.reduce((a, b) => a + b, 0) - idle, idle };
}

/** Waits until the host's CPUs are at least 80 % idle over two seconds (or `maxMs` passed). */
export async function hostQuiet(maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const a = cpuTimes();
    await sleep(2000);
    const b = cpuTimes();
    if ((b.idle - a.idle) / Math.max(1, b.idle - a.idle + b.busy - a.busy) >= 0.8) return;
  }
}

/** Host memory the kernel could still give, in MiB. */
export function memAvailableMiB(): number {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync("/proc/meminfo", "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}

/**
 * Run in the page: notes when Start is clicked, then looks at the terminal's
 * buffer every frame and notes the frame after the prompt is in it (xterm
 * draws in a frame of its own). A string: tsx would wrap functions in
 * helpers the page does not have.
 */
const MARK_CLICK_AND_PROMPT = `(() => {
  document.addEventListener("click", (e) => {
    if (e.target.closest && e.target.closest("[data-testid=start-session]")) window.__clickAt ??= performance.now();
  }, true);
  const prompt = /node\\d+:\\S*[#$]\\s*$/;
  const frame = () => {
    const b = window.__clickAt === undefined ? undefined : window.__playgroundTerm?.buffer.active;
    for (let l = 0; b && l < b.length; l++) {
      if (prompt.test(b.getLine(l)?.translateToString(true) ?? "")) {
        requestAnimationFrame(() => (window.__drawnAt = performance.now()));
        return;
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;

const SCREEN_TEXT = `(() => {
  const b = window.__playgroundTerm?.buffer.active;
  const lines = [];
  for (let l = 0; b && l < b.length; l++) lines.push(b.getLine(l)?.translateToString(true) ?? "");
  return lines.join("\\n");
})()`;

/** Debian's Chromium, as the browser tests start it. */
async function launchChromium() {
  const { chromium } = await import("@playwright/test");
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * In Chromium, on a warm pool: from the click on Start a playground until
 * the first frame after the node's prompt reached the terminal. Both times
 * are taken in the page (the session opens in the same document, and its
 * address is changed with history.pushState).
 */
export async function clickToPrompt(server: TestServer, runs: number, full: number): Promise<number[]> {
  const browser = await launchChromium();
  const samples: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      await waitPool(server, full);
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(new URL("/", server.url).toString(), { waitUntil: "networkidle" });
      await page.evaluate(MARK_CLICK_AND_PROMPT);
      // A learner reads the page first: what it loads while idle is loaded (and Playwright's own
      // page script is compiled now, not on the main thread just after the click).
      await page.waitForFunction("window.__playgroundWarm === true", null, { timeout: 30_000 });
      await page.getByTestId("start-session").click();
      await page.waitForFunction("window.__drawnAt !== undefined", null, { timeout: 60_000 }).catch(async (e: Error) => {
        const text = await page.evaluate(SCREEN_TEXT).catch(() => "");
        await page.screenshot({ path: ".bench/click-timeout.png" }).catch(() => {});
        throw new Error(`${e.message}\nclicked: ${await page.evaluate("window.__clickAt")}, at ${page.url()}, terminal:\n${text}`);
      });
      samples.push(await page.evaluate("window.__drawnAt - window.__clickAt"));
      const id = new URL(page.url()).pathname.split("/").pop()!;
      await context.close();
      await server.api(`/api/sessions/${id}`, { method: "DELETE" });
    }
  } finally {
    await browser.close();
  }
  return samples;
}

export interface BurstResult {
  /** Time from the burst's start until each session's `docker version` answered (a class: its prompt). */
  ms: number[];
  failures: string[];
  /** A class: time from the burst's start until each join was answered. */
  answered?: number[];
}

/** `count` POST /api/sessions at once, each followed by `docker version` in its node. */
export async function burst(server: TestServer, count: number): Promise<BurstResult> {
  const started = performance.now();
  const failures: string[] = [];
  const ms: number[] = [];
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: count }, async () => {
      const res = await server.api("/api/sessions", { method: "POST" });
      const body = await res.json();
      if (res.status !== 201) return void failures.push(`${res.status} ${body.error?.code}`);
      ids.push(body.id);
      const r = await server.exec(body.id, ["docker", "version", "--format", "{{.Server.Version}}"]).catch((e: Error) => ({ exitCode: -1, stderr: e.message }));
      if (r.exitCode === 0) ms.push(performance.now() - started);
      else failures.push(`docker version: ${r.stderr.trim().slice(0, 200)}`);
    }),
  );
  await Promise.all(ids.map((id) => server.api(`/api/sessions/${id}`, { method: "DELETE" })));
  return { ms, failures };
}

export interface DensityResult {
  started: number;
  /** Why no more started, when fewer than asked for did. */
  stoppedBy?: string;
  /** Host memory taken per idle session (MemAvailable before and after), MiB. */
  perSessionMiB: number;
  /** Host threads (pid_max's ids) per idle session. */
  perSessionTasks: number;
  startMinutes: number;
  ids: string[];
}

/**
 * Starts up to `target` sessions, `parallel` at a time, each until its
 * node is ready, then lets them settle into idle. The caller measures
 * what it wants while they idle, then calls `end`.
 */
export async function density(server: TestServer, target: number, parallel: number): Promise<DensityResult> {
  const before = memAvailableMiB();
  const tasksBefore = hostTasks();
  const started = performance.now();
  const ids: string[] = [];
  let stoppedBy: string | undefined;
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < target && !stoppedBy) {
        next++;
        try {
          ids.push((await server.readySession()).id);
        } catch (e) {
          stoppedBy ??= String(e instanceof Error ? e.message : e).slice(0, 300);
        }
        if (ids.length % 25 === 0) console.error(`  ${ids.length} sessions, ${Math.round(memAvailableMiB())} MiB available`);
      }
    }),
  );
  const startMinutes = (performance.now() - started) / 60_000;
  await sleep(30_000); // let them settle into idle
  const perSessionMiB = (before - memAvailableMiB()) / Math.max(1, ids.length);
  const perSessionTasks = (hostTasks() - tasksBefore) / Math.max(1, ids.length);
  return { started: ids.length, stoppedBy, perSessionMiB, perSessionTasks, startMinutes, ids };
}

/** Ends sessions, `parallel` at a time. */
export async function endAll(server: TestServer, ids: string[], parallel = 10): Promise<void> {
  const queue = [...ids];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let id = queue.pop(); id; id = queue.pop()) await server.api(`/api/sessions/${id}`, { method: "DELETE" });
    }),
  );
}

/**
 * A class of `count` whose seats were started ahead: every learner presses
 * Join at once. Time from the burst's start until each one's terminal shows
 * the prompt.
 */
export async function classBurst(server: TestServer, count: number): Promise<BurstResult> {
  const res = await server.api("/api/cohorts", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workshop: "first-containers", seats: count }),
  });
  if (res.status !== 201) throw new Error(`POST /api/cohorts: ${res.status} ${await res.text()}`);
  const cohort = await res.json();
  await waitPool(server, count);
  // As in a class: the seats were started while the instructor spoke, and the host is quiet again.
  await hostQuiet(90_000);
  const started = performance.now();
  const ms: number[] = [];
  const failures: string[] = [];
  const ids: string[] = [];
  const answered: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const join = await server.api("/api/sessions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ cohort: cohort.code, name: `Learner ${i + 1}` }),
      });
      const body = await join.json();
      if (join.status !== 201) return void failures.push(`${join.status} ${body.error?.code}`);
      answered.push(performance.now() - started);
      ids.push(body.id);
      const t = await TestTerminal.open({ baseUrl: server.url, sessionId: body.id });
      try {
        await t.waitForPrompt(60_000);
        ms.push(performance.now() - started);
      } catch (e) {
        failures.push(`no prompt: ${String(e).slice(0, 200)}`);
      } finally {
        t.close();
      }
    }),
  );
  await endAll(server, ids);
  return { ms, failures, answered };
}

/**
 * In Chromium, on a session's page: from the moment the API first says an
 * added node is ready (asked every 10 ms) until the page's tab for it says
 * ready, `runs` times, with the server's event stream (`push`) or with
 * EventSource taken away so that the page polls as before (`poll`). Both
 * clocks are this machine's wall clock.
 */
export async function nodeReadyOnScreen(server: TestServer, runs: number, mode: "push" | "poll"): Promise<number[]> {
  const browser = await launchChromium();
  const samples: number[] = [];
  try {
    const session = await server.readySession();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    if (mode === "poll") await context.addInitScript("delete window.EventSource");
    const page = await context.newPage();
    await page.goto(new URL(`/s/${session.id}`, server.url).toString());
    await page.locator(`[data-updates="${mode}"]`).waitFor({ state: "attached", timeout: 30_000 });
    await page.locator('[data-testid="node-tab"][data-node="node1"][data-status="ready"]').waitFor({ timeout: 60_000 });
    // The tab's first "ready", in wall-clock ms.
    await page.evaluate(`(() => {
      new MutationObserver(() => {
        const tab = document.querySelector('[data-testid="node-tab"][data-node="node2"][data-status="ready"]');
        if (tab && window.__readyShownAt === undefined) window.__readyShownAt = Date.now();
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
    })()`);
    for (let i = 0; i < runs; i++) {
      await page.evaluate("window.__readyShownAt = undefined");
      await server.api(`/api/sessions/${session.id}/nodes`, { method: "POST" });
      let readyAt = 0;
      for (;;) {
        const n = await (await server.api(`/api/sessions/${session.id}/nodes/node2`)).json();
        if (n.status === "ready") {
          readyAt = Date.now();
          break;
        }
        if (n.status === "failed") throw new Error(n.message);
        await new Promise((r) => setTimeout(r, 10));
      }
      await page.waitForFunction("window.__readyShownAt !== undefined", null, { timeout: 30_000 });
      // Below 0: the page showed it before the API, asked every 10 ms, said so.
      samples.push((await page.evaluate<number>("window.__readyShownAt")) - readyAt);
      await server.api(`/api/sessions/${session.id}/nodes/node2`, { method: "DELETE" });
      await page.locator('[data-testid="node-tab"][data-node="node2"]').waitFor({ state: "detached", timeout: 30_000 });
    }
    await context.close();
    await server.api(`/api/sessions/${session.id}`, { method: "DELETE" });
  } finally {
    await browser.close();
  }
  return samples;
}

/**
 * In Chromium, on a class's dashboard: from the moment a learner's Check is
 * answered (the API's reply to POST .../check reaches this process) until
 * the dashboard's square for that step shows the result, `runs` times,
 * passing and failing in turn (a hello-world container made, then removed),
 * with the event stream (`push`) or with EventSource taken away so that the
 * dashboard polls every 2 s as before (`poll`). Below 0: the dashboard showed
 * it before the learner's own reply arrived.
 */
export async function checkOnDashboard(server: TestServer, runs: number, mode: "push" | "poll"): Promise<number[]> {
  const json = { "content-type": "application/json" };
  const res = await server.api("/api/cohorts", { method: "POST", headers: json, body: JSON.stringify({ workshop: "first-containers", title: "Bench class" }) });
  if (res.status !== 201) throw new Error(`POST /api/cohorts: ${res.status} ${await res.text()}`);
  const cohort = (await res.json()) as { code: string; dashboardPath: string };
  const join = await server.api("/api/sessions", { method: "POST", headers: json, body: JSON.stringify({ cohort: cohort.code, name: "Learner" }) });
  if (join.status !== 201) throw new Error(`POST /api/sessions: ${join.status} ${await join.text()}`);
  const { id } = (await join.json()) as { id: string };
  const step = 2; // hello-world: passes once a container was made from the image
  const browser = await launchChromium();
  const samples: number[] = [];
  try {
    const made = await server.exec(id, ["docker", "pull", "-q", "hello-world"]);
    if (made.exitCode !== 0) throw new Error(`docker pull hello-world: ${made.stderr}`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    if (mode === "poll") await context.addInitScript("delete window.EventSource");
    const page = await context.newPage();
    await page.goto(new URL(cohort.dashboardPath, server.url).toString());
    await page.locator(`[data-updates="${mode}"]`).waitFor({ state: "attached", timeout: 30_000 });
    await page.locator('[data-testid="attendee-checks"]').waitFor({ timeout: 60_000 });
    await page.evaluate(`(() => {
      const seen = () => {
        const square = document.querySelectorAll('[data-testid="attendee-checks"] [data-state]')[${step - 1}];
        if (square && square.dataset.state === window.__want && window.__shownAt === undefined) window.__shownAt = Date.now();
      };
      new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
    })()`);
    for (let i = 0; i < runs; i++) {
      const pass = i % 2 === 0;
      const cmd = pass ? ["docker", "create", "--name", "bench-hello", "hello-world"] : ["docker", "rm", "bench-hello"];
      const r = await server.exec(id, cmd);
      if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${r.stderr}`);
      await page.evaluate(`window.__want = "${pass ? "passed" : "failed"}"; window.__shownAt = undefined`);
      const check = await server.api(`/api/sessions/${id}/workshop/steps/${step}/check`, { method: "POST" });
      const answeredAt = Date.now();
      const result = (await check.json()) as { passed?: boolean };
      if (check.status !== 200 || result.passed !== pass) throw new Error(`check ${check.status}: ${JSON.stringify(result)}`);
      await page.waitForFunction("window.__shownAt !== undefined", null, { timeout: 30_000 });
      samples.push((await page.evaluate<number>("window.__shownAt")) - answeredAt);
    }
    await context.close();
  } finally {
    await browser.close();
    await server.api(`/api/sessions/${id}`, { method: "DELETE" });
  }
  return samples;
}
