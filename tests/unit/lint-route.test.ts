import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GET, POST } from "../../app/api/lint/route";
import type { ErrorBody, LintResult } from "../../lib/protocol";

const post = (body: string) => POST(new Request("http://x/api/lint", { method: "POST", body, headers: { "content-type": "application/json" } }));

describe("POST /api/lint", () => {
  test("a compose file: 200 with its diagnostics", async () => {
    const content = "services:\n  web:\n    image: nginx\n    port: 80\n";
    const res = await post(JSON.stringify({ kind: "compose", content }));
    assert.equal(res.status, 200);
    const body = (await res.json()) as LintResult;
    assert.equal(body.diagnostics.length, 1);
    assert.equal(body.diagnostics[0]!.line, 4);
    assert.equal(body.diagnostics[0]!.source, "compose");
  });

  test("a clean Dockerfile: 200 with no diagnostics", async () => {
    const res = await post(JSON.stringify({ kind: "dockerfile", content: "FROM alpine\nCMD [\"true\"]\n" }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { diagnostics: [] });
  });

  test("invalid bodies: 400 bad_request as JSON", async () => {
    for (const body of ["{", JSON.stringify({ kind: "helm", content: "" }), JSON.stringify({ kind: "compose" }), JSON.stringify({ kind: "compose", content: "", extra: 1 }), ""]) {
      const res = await post(body);
      assert.equal(res.status, 400, body);
      assert.equal(res.headers.get("content-type"), "application/json");
      const error = (await res.json()) as ErrorBody;
      assert.equal(error.error.code, "bad_request");
    }
  });

  test("content over 256 KiB is refused", async () => {
    const res = await post(JSON.stringify({ kind: "compose", content: "#".repeat(256 * 1024 + 1) }));
    assert.equal(res.status, 400);
  });

  test("other methods: 405", async () => {
    const res = await GET();
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "POST");
  });
});
