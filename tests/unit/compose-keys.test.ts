import assert from "node:assert/strict";
import { test } from "node:test";
import { composeKeysAt } from "../../lib/lint/compose/keys";

const doc = [
  "services:", //            1
  "  web:", //               2
  "    image: nginx", //     3
  "    po", //               4: a service's keys
  "    healthcheck:", //     5
  "      te", //             6: a healthcheck's keys
  "    volumes:", //         7
  "      - type: bind", //   8
  "        so", //           9: a long-syntax volume's keys
  "networks:", //           10
  "  front:", //            11
  "    ipam:", //           12
  "      config:", //       13
  "        - sub", //       14: an IPAM pool's keys, in a list
  "ser", //                 15: top level
].join("\n");

const keysAt = (line: number, word: string) => {
  const column = doc.split("\n")[line - 1]!.indexOf(word) + 1;
  return composeKeysAt(doc, line, column).map((k) => k.key);
};

test("compose completion offers the keys the schema allows at each level", () => {
  assert.ok(keysAt(4, "po").includes("ports"));
  assert.ok(keysAt(4, "po").includes("depends_on"));
  assert.ok(!keysAt(4, "po").includes("test"));
  assert.deepEqual(keysAt(6, "te").filter((k) => k.startsWith("t")).sort(), ["test", "timeout"]);
  assert.ok(keysAt(9, "so").includes("source"));
  assert.ok(keysAt(9, "so").includes("read_only"));
  assert.ok(keysAt(14, "sub").includes("subnet"));
  assert.ok(keysAt(14, "sub").includes("gateway"));
  assert.ok(keysAt(15, "ser").includes("services"));
  assert.ok(keysAt(15, "ser").includes("networks"));
  assert.ok(!keysAt(15, "ser").includes("image"));
});

test("below a key the schema does not know, nothing is offered", () => {
  assert.deepEqual(composeKeysAt("services:\n  web:\n    nonsense:\n      a", 4, 7), []);
});
