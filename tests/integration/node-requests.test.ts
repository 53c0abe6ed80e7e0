/**
 * Requests from a node to the page, through the real terminal socket: `edit`
 * and the build helpers print OSC 7701 sequences, which reach the page in the
 * raw output (the page's terminal catches them; see app/components/terminal/osc.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { parseNodeRequest, type NodeRequest } from "../../app/components/terminal/osc";
import { startServer, type TestServer } from "../support/server";
import { TestTerminal, plain } from "../support/terminal-client";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/** The OSC 7701 requests in raw output since `from`, decoded as the page decodes them. */
function requestsIn(t: TestTerminal, from: number): NodeRequest[] {
  const raw = t.output.slice(Math.max(0, t.output.length - (t.received - from)));
  // eslint-disable-next-line no-control-regex -- ESC and BEL delimit the sequence
  return [...raw.matchAll(/\x1b\]7701;([^\x07\x1b]*)\x07/g)].map((m) => parseNodeRequest(m[1]!)!);
}

describe("edit and the build helpers in the node's terminal", () => {
  let server: TestServer;
  let s: SessionView;
  let t: TestTerminal;

  before(async () => {
    server = await startServer();
    s = await server.readySession();
    t = await TestTerminal.open({ baseUrl: server.url, sessionId: s.id });
    await t.waitForPrompt();
  });
  after(async () => {
    t?.close();
    await server?.destroy();
  });

  test("edit FILE creates a missing file and asks the page to open it; folders are refused", async () => {
    const from = t.mark();
    t.type("edit /root/x.txt; echo edit-done-$?\r");
    await t.waitFor("edit-done-0", 15_000, from);
    const raw = t.output.slice(-(t.received - from));
    assert.ok(raw.includes(`\x1b]7701;edit;${b64("/root/x.txt")}\x07`), "the raw output has the sequence");
    assert.deepEqual(requestsIn(t, from), [{ kind: "edit", path: "/root/x.txt" }]);
    assert.match(plain(t.output), /Created the empty file \/root\/x\.txt/);
    assert.match(plain(t.output), /Opening \/root\/x\.txt in the editor/);
    assert.equal((await server.exec(s.id, ["stat", "-c", "%s", "/root/x.txt"])).stdout.trim(), "0");

    const relative = t.mark();
    t.type("cd /tmp && edit ../root/x.txt; cd; edit /root; echo folder-$?\r");
    await t.waitFor("folder-1", 15_000, relative);
    assert.deepEqual(requestsIn(t, relative), [{ kind: "edit", path: "/root/x.txt" }]);
    assert.match(plain(t.output), /edit: \/root is a folder; give a file\./);

    const piped = await server.exec(s.id, ["sh", "-c", "edit /root/x.txt | cat; echo status=$?"]);
    assert.match(piped.stderr, /only works in the playground's terminal/);
  });

  test("playground-build: a failing RUN on line 3 and an unknown instruction on line 3 point at that line", async () => {
    const setup = await server.exec(s.id, [
      "sh",
      "-c",
      "mkdir -p /root/b && printf 'FROM busybox\\nRUN true\\nRUN exit 3\\n' > /root/b/Dockerfile && printf 'FROM busybox\\nRUN true\\nFOO bar\\n' > /root/b/Syntax.Dockerfile && printf 'FROM busybox\\n' > /root/b/Ok.Dockerfile",
    ]);
    assert.equal(setup.exitCode, 0, setup.stderr);

    let from = t.mark();
    t.type("playground-build -t fails b; echo build-status-$?\r");
    // The socket's output, not the screen: the headless screen may not have parsed the last line yet.
    await t.waitFor(/build-status-\d+/, 60_000, from);
    assert.match(plain(t.output), /build-status-1/, "docker's status");
    assert.deepEqual(requestsIn(t, from), [
      { kind: "error", file: "/root/b/Dockerfile", line: 3, message: 'process "/bin/sh -c exit 3" did not complete successfully: exit code: 3' },
    ]);

    from = t.mark();
    t.type("cd b && playground-build -f Syntax.Dockerfile . ; echo syntax-status-$?; cd\r");
    await t.waitFor(/syntax-status-\d+/, 60_000, from);
    const [syntax, ...more] = requestsIn(t, from);
    assert.equal(more.length, 0);
    assert.ok(syntax?.kind === "error");
    assert.equal(syntax.file, "/root/b/Syntax.Dockerfile");
    assert.equal(syntax.line, 3);
    assert.match(syntax.message, /unknown instruction: FOO/);

    from = t.mark();
    t.type("playground-build -q -f b/Ok.Dockerfile b; echo ok-status-$?\r");
    await t.waitFor(/ok-status-\d+/, 60_000, from);
    assert.match(plain(t.output), /ok-status-0/);
    assert.deepEqual(requestsIn(t, from), [], "no request when the build works");
  });

  test("playground-compose: a YAML error names its line in the compose file", async () => {
    const setup = await server.exec(s.id, [
      "sh",
      "-c",
      "mkdir -p /root/c && printf 'services:\\n  web:\\n    image: nginx\\n    ports:\\n    - 80\\n  bad: [\\n' > /root/c/compose.yaml",
    ]);
    assert.equal(setup.exitCode, 0, setup.stderr);
    const from = t.mark();
    t.type("cd /root/c && playground-compose config; echo compose-status-$?; cd\r");
    await t.waitFor(/compose-status-\d+/, 60_000, from);
    assert.doesNotMatch(plain(t.output), /compose-status-0/);
    const [request, ...more] = requestsIn(t, from);
    assert.equal(more.length, 0);
    assert.ok(request?.kind === "error", JSON.stringify(request));
    assert.equal(request.file, "/root/c/compose.yaml");
    assert.equal(request.line, 6);
    assert.match(request.message, /^yaml: line \d+: /);
  });
});
