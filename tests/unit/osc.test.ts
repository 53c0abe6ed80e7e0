/** Requests from a node in the terminal's output (OSC 7701): only well-formed ones get through. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Terminal } from "@xterm/headless";
import { NODE_REQUEST_OSC, parseNodeRequest, type NodeRequest } from "../../app/components/terminal/osc";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

describe("OSC 7701 requests", () => {
  test("edit with an absolute path, in UTF-8", () => {
    assert.deepEqual(parseNodeRequest(`edit;${b64("/root/app/Dockerfile")}`), { kind: "edit", path: "/root/app/Dockerfile" });
    assert.deepEqual(parseNodeRequest(`edit;${b64("/root/é ü.txt")}`), { kind: "edit", path: "/root/é ü.txt" });
  });

  test("error with file, line and message", () => {
    const body = JSON.stringify({ file: "/root/Dockerfile", line: 3, message: "unknown instruction: FOO" });
    assert.deepEqual(parseNodeRequest(`error;${b64(body)}`), { kind: "error", file: "/root/Dockerfile", line: 3, message: "unknown instruction: FOO" });
  });

  test("anything else is ignored", () => {
    const error = (v: unknown) => `error;${b64(JSON.stringify(v))}`;
    for (const data of [
      "",
      "edit",
      `edit;${b64("relative/path")}`,
      `edit;${b64("/a\0b")}`,
      `edit;${b64("/" + "a".repeat(5000))}`,
      "edit;not base64!",
      "edit;YWJj", // "abc": not absolute
      `edit;${b64("/x")};extra`,
      `open;${b64("/x")}`,
      `edit;${Buffer.from([0x2f, 0xff]).toString("base64")}`, // not UTF-8
      `error;${b64("not json")}`,
      error([1]),
      error({ file: "/f", line: 0, message: "m" }),
      error({ file: "/f", line: 1.5, message: "m" }),
      error({ file: "/f", line: "3", message: "m" }),
      error({ file: "f", line: 3, message: "m" }),
      error({ file: "/f", line: 3, message: "m".repeat(2001) }),
      error({ file: "/f", line: 3 }),
      error({ file: "/f", line: 3, message: "m", more: true }),
    ]) {
      assert.equal(parseNodeRequest(data), undefined, data.slice(0, 80));
    }
    assert.ok(parseNodeRequest(error({ file: "/f", line: 3, message: "m".repeat(2000) })));
  });

  test("xterm hands the payload after `7701;` to the handler, and nothing is drawn", async () => {
    const term = new Terminal({ cols: 80, rows: 5, allowProposedApi: true });
    const seen: NodeRequest[] = [];
    term.parser.registerOscHandler(NODE_REQUEST_OSC, (data) => {
      const request = parseNodeRequest(data);
      if (request) seen.push(request);
      return true;
    });
    await new Promise<void>((resolve) => term.write(`a\x1b]7701;edit;${b64("/root/x.txt")}\x07b\x1b]7701;edit;garbage\x07c`, resolve));
    assert.deepEqual(seen, [{ kind: "edit", path: "/root/x.txt" }]);
    assert.equal(term.buffer.active.getLine(0)?.translateToString(true), "abc");
    term.dispose();
  });
});
