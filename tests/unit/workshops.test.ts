/** Workshops: both lesson formats, authors' errors, progress and checks (with a fake node), classes. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { ExecResult } from "../../lib/protocol";
import { loadAll } from "../../lib/workshops/catalog";
import { Cohorts, type Cohort } from "../../lib/workshops/cohorts";
import { parseActionHref, parseInfo } from "../../lib/workshops/info";
import { convertMarkdown } from "../../lib/workshops/killercoda";
import { LOOKUP_RETRY_MS, PROGRESS_FILE, WorkshopRuns, type WorkshopHost } from "../../lib/workshops/runs";
import type { Workshop } from "../../lib/workshops/types";

const fixtures = join(__dirname, "..", "fixtures");

describe("lesson folders", () => {
  test("a native lesson loads with its steps, scripts and actions in reading order", async () => {
    const { workshops, problems } = await loadAll([join(fixtures, "lessons")]);
    assert.deepEqual(problems, []);
    const mini = workshops.find((w) => w.slug === "mini-native")!;
    assert.equal(mini.format, "native");
    assert.equal(mini.nodes, 2);
    assert.deepEqual(mini.steps.map((s) => s.title), ["Write a file, then run it", "The second node"]);
    assert.deepEqual(mini.steps[0]!.actions.map((a) => [a.kind, a.path]), [["file", "/root/mini/hello.sh"], ["run", undefined]]);
    assert.equal(mini.steps[1]!.node, "node2");
    assert.deepEqual(mini.steps[1]!.actions.map((a) => a.node), ["node1", undefined]);
    assert.match(mini.steps[1]!.setup!, /setup-ran/);
    assert.match(mini.steps[1]!.solve!, /by-hand/);
    assert.equal(mini.steps[0]!.setup, undefined);
  });

  test("a Killercoda scenario loads as it is: markers, verify, background, assets", async () => {
    const { workshops } = await loadAll([join(fixtures, "lessons")]);
    const kc = workshops.find((w) => w.slug === "kc-web-server")!;
    assert.equal(kc.format, "killercoda");
    assert.equal(kc.duration, 10);
    assert.match(kc.intro!.setup!, /kc-intro-done/);
    const [one, two] = kc.steps;
    assert.deepEqual(one!.actions.map((a) => [a.kind, a.text.trim()]), [
      ["run", "docker run -d --name web -p 8080:80 nginx"],
      ["run", "curl -s localhost:8080 | head -n 4"],
    ]);
    assert.deepEqual(two!.actions.map((a) => a.kind), ["run", "copy"]);
    assert.match(two!.check!, /served from a playground/);
    assert.match(two!.setup!, /page.html/);
    assert.equal(kc.assets[0]!.path, "/root/site/page.html");
    assert.match(Buffer.from(kc.assets[0]!.content, "base64").toString(), /Hello/);
    assert.doesNotMatch(one!.body, /\{\{/);
  });

  test("authors get every mistake of a folder, with where it is", async () => {
    const { workshops, problems } = await loadAll([join(fixtures, "broken-lessons"), join(fixtures, "no-such-folder")]);
    assert.deepEqual(workshops, []);
    const of = (name: string) => problems.find((p) => p.folder.endsWith(name))?.errors.join("\n") ?? "";
    assert.match(of("bad-manifest"), /workshop.yaml: title/);
    assert.match(of("bad-manifest"), /workshop.yaml: level/);
    const blocks = of("bad-blocks");
    assert.match(blocks, /steps\/01-one.md front matter: hints/);
    assert.match(blocks, /02-missing.check.sh: no step called 02-missing.md/);
    assert.match(of("kc-missing-files"), /outside the scenario's folder/);
    assert.match(of("kc-missing-files"), /step1\/text.md not found/);
    assert.match(of("Bad Name"), /lowercase letters, digits and dashes/);
    assert.match(of("no-such-folder"), /cannot read the lesson folder/);
  });

  test("code block flags, and what is wrong with them", () => {
    assert.deepEqual(parseInfo("bash", "run node=node2"), { lang: "bash", kind: "run", node: "node2", interrupt: false, replay: true, errors: [] });
    assert.equal(parseInfo("dockerfile", "file=/root/app/Dockerfile").path, "/root/app/Dockerfile");
    assert.equal(parseInfo("run", null).kind, "run");
    assert.equal(parseInfo("bash", "run noreplay").replay, false);
    assert.equal(parseInfo(null, null).kind, "copy");
    assert.match(parseInfo("bash", "run copy").errors[0]!, /choose one/);
    assert.match(parseInfo("bash", "file=x").errors[0]!, /absolute path/);
    assert.match(parseInfo("bash", "rn").errors[0]!, /unknown flag "rn"/);
    assert.match(parseInfo("bash", "node=web").errors[0]!, /node1..node9/);
  });

  test("Killercoda markers become blocks and links; hosts become nodes", () => {
    const out = convertMarkdown("```\nls\n```{{exec interrupt}}\n\n```yaml\na: 1\n```{{copy}}\n\nRun `docker ps`{{execute HOST2}} now.{{open}}");
    assert.match(out, /^```bash run interrupt\nls\n```/);
    assert.match(out, /```yaml copy\na: 1\n```/);
    const link = /\]\(([^)]+)\)/.exec(out)![1];
    assert.deepEqual(parseActionHref(link), { kind: "run", node: "node2", text: "docker ps" });
    assert.doesNotMatch(out, /\{\{/);
    assert.equal(convertMarkdown("```\na\n```\ntext\n```sh\nb\n```{{exec}}"), "```\na\n```\ntext\n```sh run\nb\n```", "a plain block stays plain");
    assert.equal(parseActionHref("#run:node1:%E0%A4%A"), undefined);
    assert.equal(parseActionHref("https://example.invalid"), undefined);
  });
});

/** A node where scripts "pass" when they contain "pass", and files are kept in memory. */
class FakeHost implements WorkshopHost {
  files = new Map<string, string>();
  ran: string[] = [];
  async exec(sessionId: string, node: string, cmd: string[]): Promise<ExecResult> {
    if (cmd[0] === "cat") {
      const f = this.files.get(`${sessionId}/${node}:${cmd[1]}`);
      return f === undefined ? { exitCode: 1, stdout: "", stderr: "No such file" } : { exitCode: 0, stdout: f, stderr: "" };
    }
    const script = cmd.at(-1)!;
    this.ran.push(`${node}: ${script}`);
    return script.includes("pass") ? { exitCode: 0, stdout: "ok", stderr: "" } : { exitCode: 1, stdout: "", stderr: "not yet" };
  }
  async writeFile(sessionId: string, node: string, path: string, content: Buffer): Promise<void> {
    this.files.set(`${sessionId}/${node}:${path}`, content.toString());
  }
}

const lesson = (): Workshop => ({
  slug: "demo",
  title: "Demo",
  description: "d",
  duration: 5,
  level: "beginner",
  nodes: 1,
  images: [],
  order: 1,
  format: "native",
  intro: { body: "hi", setup: "intro-setup pass" },
  steps: [
    { title: "one", body: "", hints: [], node: "node1", setup: "setup-one pass", check: "check-one pass", actions: [] },
    { title: "two", body: "", hints: [], node: "node1", check: "check-two", foreground: "echo fg", actions: [] },
  ],
  assets: [{ node: "node1", path: "/root/a.txt", content: Buffer.from("A").toString("base64") }],
});

describe("progress through a workshop", () => {
  test("an attach put off (a class's join) is known at once; the files, the setup and the next step come after it", async () => {
    const host = new FakeHost();
    const runs = new WorkshopRuns(host, () => 0);
    const w = lesson();
    let ready!: () => void;
    const attached = runs.attach("s0", w, { cohort: "c" }, new Promise<void>((r) => (ready = r)));
    const step = runs.start("s0", w, 1);
    await new Promise((r) => setImmediate(r));
    assert.equal((await runs.get("s0"))?.step, 0, "the run is there before its setup");
    assert.deepEqual(host.ran, [], "nothing in the node yet");
    assert.equal(host.files.size, 0);
    ready();
    await attached;
    await step;
    assert.equal(host.files.get("s0/node1:/root/a.txt"), "A");
    assert.deepEqual(host.ran.slice(0, 2), ["node1: intro-setup pass", "node1: setup-one pass"], "the introduction's setup before step 1's");
  });

  test("setup runs once per step, checks are recorded, and progress is saved in node1", async () => {
    const host = new FakeHost();
    const runs = new WorkshopRuns(host, () => 0);
    const w = lesson();
    await runs.attach("s1", w, { name: "Ada" });
    assert.equal(host.files.get("s1/node1:/root/a.txt"), "A");
    assert.deepEqual(host.ran, ["node1: intro-setup pass"]);
    await runs.start("s1", w, 1);
    await runs.start("s1", w, 1);
    assert.equal(host.ran.filter((r) => r.includes("setup-one")).length, 1);
    assert.deepEqual(await runs.check("s1", w, 1), { passed: true, output: "ok", at: new Date(0).toISOString() });
    const failed = await runs.check("s1", w, 2);
    assert.equal(failed.passed, false);
    assert.equal(failed.output, "not yet");
    const started = await runs.start("s1", w, 2);
    assert.equal(started.type, "bash /var/lib/playground/foreground-2.sh");
    assert.equal(host.files.get("s1/node1:/var/lib/playground/foreground-2.sh"), "echo fg");
    assert.equal((await runs.start("s1", w, 2)).type, undefined, "a foreground script is typed once");

    // A new server reads the progress back from node1.
    const again = new WorkshopRuns(host, () => 0);
    const run = await again.get("s1");
    assert.equal(run?.step, 2);
    assert.equal(run?.name, "Ada");
    assert.deepEqual(Object.keys(run!.checks), ["1", "2"]);
    assert.ok(host.files.get(`s1/node1:${PROGRESS_FILE}`));
  });

  test("a session without a workshop, and steps that do not exist", async () => {
    const runs = new WorkshopRuns(new FakeHost());
    assert.equal(await runs.get("nothing"), undefined);
    await assert.rejects(runs.check("nothing", lesson(), 1), { code: "no_workshop" });
    await runs.attach("s2", lesson());
    await assert.rejects(runs.check("s2", lesson(), 3), { code: "step_not_found" });
    await assert.rejects(runs.check("s2", lesson(), 0), { code: "step_not_found" });
    await assert.rejects(runs.start("s2", { ...lesson(), slug: "other" }, 1), { code: "step_not_found" });
  });

  test("a failing setup is reported with its output and tried again next time", async () => {
    const host = new FakeHost();
    const runs = new WorkshopRuns(host);
    const w = lesson();
    w.steps[0]!.setup = "broken";
    await runs.attach("s3", w);
    await assert.rejects(runs.start("s3", w, 1), { code: "setup_failed", message: /step 1 failed \(exit 1\): not yet/ });
    await assert.rejects(runs.start("s3", w, 1), { code: "setup_failed" });
  });

  test("peek never waits for a node: one that cannot be reached is read again after a while, a read one is announced", async () => {
    const host = new FakeHost();
    await new WorkshopRuns(host).attach("s4", lesson(), { name: "Ada" });
    let now = 0;
    const runs = new WorkshopRuns(host, () => now);
    const reads: string[] = [];
    let reachable = false;
    const cat = host.exec.bind(host);
    host.exec = async (sessionId, node, cmd) => {
      if (cmd[0] === "cat") reads.push(sessionId);
      if (!reachable) throw new Error("node1 is stopped");
      return cat(sessionId, node, cmd);
    };
    const announced: string[] = [];
    runs.on("progress", (id) => announced.push(id));

    assert.equal(runs.peek("s4"), undefined, "not known yet: read in the background");
    assert.equal(runs.peek("s4"), undefined);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(reads, ["s4"], "one read at a time");
    now += LOOKUP_RETRY_MS - 1;
    runs.peek("s4");
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(reads, ["s4"], "not read again so soon after failing");
    // A learner's own request reads at once, however recent the failure.
    assert.equal(await runs.get("s4"), undefined);
    assert.deepEqual(reads, ["s4", "s4"]);

    reachable = true;
    now += LOOKUP_RETRY_MS;
    assert.equal(runs.peek("s4"), undefined);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(announced, ["s4"]);
    assert.equal(runs.peek("s4")?.name, "Ada");
    assert.equal(reads.length, 3, "known: not read again");

    // Two requests at once read once.
    const other = new WorkshopRuns(host, () => now);
    const [a, b] = await Promise.all([other.get("s4"), other.get("s4")]);
    assert.equal(a?.name, "Ada");
    assert.equal(b?.name, "Ada");
    assert.equal(reads.length, 4);
  });
});

describe("classes", () => {
  const memory = () => {
    let saved: Cohort[] = [];
    return { load: async () => saved, save: async (c: Cohort[]) => void (saved = c), peek: () => saved };
  };

  test("seats are counted, codes and ids are checked, and a class ends after a day", async () => {
    const store = memory();
    let now = 0;
    const cohorts = new Cohorts(store, () => now);
    const c = await cohorts.create({ workshop: "demo", title: "Monday", seats: 2 });
    assert.match(c.code, /^[a-z0-9]{10}$/);
    await cohorts.join(c.code, { sessionId: "a", watchId: "wa", name: "A" });
    await cohorts.join(c.code, { sessionId: "b", watchId: "wb", name: "B" });
    await assert.rejects(cohorts.join(c.code, { sessionId: "c", watchId: "wc", name: "C" }), { code: "cohort_full" });
    assert.equal(store.peek()[0]!.attendees.length, 2);
    assert.equal((await new Cohorts(store, () => now).byId(c.id)).attendees.length, 2, "kept across a restart");
    await assert.rejects(cohorts.byCode("nope"), { code: "cohort_not_found" });
    await assert.rejects(cohorts.byId(c.code), { code: "cohort_not_found" }, "the join code does not open the dashboard");
    now = 25 * 3600_000;
    await assert.rejects(cohorts.byId(c.id), { code: "cohort_not_found" });
  });
});
