/**
 * Every workshop, replayed against a real sandbox the way a learner goes
 * through it: for each step, its check must fail first; then its run blocks
 * are typed into a real terminal (which keeps its folder and variables
 * between blocks and steps), its file blocks written, its solve script run,
 * and the check must pass. The built-in workshops and the fixtures (a native
 * lesson and a Killercoda scenario, served from LESSON_DIRS) are replayed.
 * REPLAY_ONLY=slug,slug narrows it down while writing a lesson.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { loadAll } from "../../lib/workshops/catalog";
import type { CheckResult, RunView, Workshop, WorkshopSummary } from "../../lib/workshops/types";
import { startServer, type TestServer } from "../support/server";
import { TestTerminal } from "../support/terminal-client";

const root = join(__dirname, "..", "..");
const builtIn = join(root, "lib", "workshops", "library");
const fixtures = join(root, "tests", "fixtures", "lessons");
const only = (process.env.REPLAY_ONLY ?? "").split(",").filter(Boolean);
/** Long enough for an image build in a lesson; a step that takes longer is too long for a learner. */
const BLOCK_TIMEOUT_MS = 5 * 60_000;

describe("workshops replay", { timeout: 60 * 60_000 }, () => {
  let server: TestServer;
  let workshops: Workshop[];

  before(async () => {
    server = await startServer({ LESSON_DIRS: fixtures, MAX_SESSIONS: "10" });
    const loaded = await loadAll([builtIn, fixtures]);
    assert.deepEqual(loaded.problems, [], "every lesson folder loads");
    workshops = loaded.workshops.filter((w) => !only.length || only.includes(w.slug));
  });
  after(() => server?.destroy());

  test("the catalog lists the built-in workshops and those of LESSON_DIRS, Killercoda's included", async () => {
    const res = await server.api("/api/workshops");
    const body = (await res.json()) as { workshops: WorkshopSummary[]; problems: unknown[] };
    assert.deepEqual(body.problems, []);
    const slugs = body.workshops.map((w) => w.slug);
    assert.ok(slugs.includes("mini-native") && slugs.includes("kc-web-server"), slugs.join(" "));
    assert.equal(body.workshops.find((w) => w.slug === "kc-web-server")?.format, "killercoda");
  });

  test("every workshop: each check fails before its step and passes after", async (t) => {
    assert.ok(workshops.length > 0, "no workshop to replay");
    for (const w of workshops) await t.test(w.slug, () => replay(server, w));
  });
});

async function post<T>(server: TestServer, path: string, body?: unknown): Promise<T> {
  const res = await server.api(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `POST ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function readyNodes(server: TestServer, id: string, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const view = (await (await server.api(`/api/sessions/${id}`)).json()) as SessionView;
    const failed = view.nodes.find((n) => n.status === "failed");
    if (failed) throw new Error(`${failed.name} failed: ${failed.message}\n${server.logs.filter((l) => l.includes(id)).slice(-5).join("\n")}`);
    if (view.nodes.length >= count && view.nodes.every((n) => n.status === "ready")) return;
    if (Date.now() > deadline) throw new Error(`nodes not ready after 120 s: ${JSON.stringify(view.nodes)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function replay(server: TestServer, w: Workshop): Promise<void> {
  const session = await post<SessionView>(server, "/api/sessions", { workshop: w.slug });
  const terminals = new Map<string, TestTerminal>();
  let marks = 0;
  try {
    await readyNodes(server, session.id, w.nodes);
    const terminal = async (node: string) => {
      let t = terminals.get(node);
      if (!t) {
        t = await TestTerminal.open({ baseUrl: server.url, sessionId: session.id, node, cols: 200, rows: 50 });
        await t.waitForPrompt(30_000);
        terminals.set(node, t);
      }
      return t;
    };
    /** Types like a learner, then waits until the shell has run it: the marker's output only appears then. */
    const type = async (node: string, text: string, interrupt = false) => {
      const t = await terminal(node);
      const n = ++marks;
      const from = t.received;
      if (interrupt) t.type("\x03");
      t.type(`${text.replace(/\n+$/, "")}\r`);
      t.type(`printf '__replayed_%s\\n' ${n}\r`);
      await t.waitFor(new RegExp(`__replayed_${n}\\r?\\n`), BLOCK_TIMEOUT_MS, from);
    };
    const check = (n: number) => post<CheckResult>(server, `/api/sessions/${session.id}/workshop/steps/${n}/check`);
    const start = async (n: number, node: string) => {
      const started = await post<{ run: RunView; type?: string }>(server, `/api/sessions/${session.id}/workshop/steps/${n}/start`);
      assert.equal(started.run.step, n);
      if (started.type) await type(node, started.type);
    };

    await start(0, "node1");
    for (const [i, step] of w.steps.entries()) {
      const n = i + 1;
      const where = `${w.slug} step ${n} (${step.title})`;
      await start(n, step.node);
      if (step.check) {
        const before = await check(n);
        assert.equal(before.passed, false, `${where}: the check passes before the step is done:\n${before.output}`);
      }
      for (const a of step.actions) {
        if (!a.replay) continue;
        const node = a.node ?? step.node;
        if (a.kind === "run") await type(node, a.text, a.interrupt);
        if (a.kind === "file") {
          const res = await server.api(`/api/sessions/${session.id}/nodes/${node}/files?path=${encodeURIComponent(a.path!)}`, {
            method: "PUT",
            body: `${a.text}\n`,
          });
          assert.equal(res.status, 201, `${where}: writing ${a.path}: ${await res.text()}`);
        }
      }
      if (step.solve) {
        const solved = await server.exec(session.id, ["bash", "-c", step.solve], step.node);
        assert.equal(solved.exitCode, 0, `${where}: solve.sh failed:\n${solved.stdout}${solved.stderr}`);
      }
      const result = await check(n);
      const screen = terminals.get(step.node)?.output.slice(-3000) ?? "";
      assert.equal(result.passed, true, `${where}: the check fails after the step:\n${result.output}\n--- terminal ---\n${screen}`);
    }
    const progress = (await (await server.api(`/api/sessions/${session.id}/workshop`)).json()) as { run: RunView };
    const passed = Object.entries(progress.run.checks).filter(([, c]) => c.passed).map(([n]) => Number(n));
    // A step without a check passes when checked, like the learner's "Check" would say.
    assert.deepEqual(passed.sort((a, b) => a - b), w.steps.map((_, i) => i + 1), "the saved progress has every step passed");
  } finally {
    for (const t of terminals.values()) t.close();
    await server.api(`/api/sessions/${session.id}`, { method: "DELETE" });
  }
}
