/** Server-sent views: the first at once, then only changes, and the end when the view is gone. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { eventStream } from "../../lib/http/event-stream";

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  while (!done(text)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value);
  }
  return text;
}

test("sends the view at once, a change when notified, nothing for the same view, and gone at the end", async () => {
  const views: (string | null)[] = ['{"n":1}', '{"n":1}', '{"n":2}', null];
  let notify = () => {};
  let unsubscribed = false;
  const abort = new AbortController();
  const res = eventStream(new Request("http://test/", { signal: abort.signal }), {
    read: async () => (views.length > 1 ? views.shift()! : views[0]!),
    subscribe: (n) => {
      notify = n;
      return () => (unsubscribed = true);
    },
    checkMs: 60_000,
  });
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.getReader();
  assert.match(await readUntil(reader, (t) => t.includes('data: {"n":1}')), /^retry: 2000\n\ndata: \{"n":1\}\n\n$/);
  notify(); // the same view: nothing
  notify(); // a new one
  assert.equal(await readUntil(reader, (t) => t.includes("n")), 'data: {"n":2}\n\n');
  notify(); // gone
  assert.equal(await readUntil(reader, () => false), "event: gone\ndata: {}\n\n");
  assert.ok(unsubscribed);
});

test("a client going away stops the checks and the listening", async () => {
  let unsubscribed = false;
  const abort = new AbortController();
  const res = eventStream(new Request("http://test/", { signal: abort.signal }), {
    read: async () => "{}",
    subscribe: () => () => (unsubscribed = true),
    checkMs: 5,
  });
  const reader = res.body!.getReader();
  await readUntil(reader, (t) => t.includes("data:"));
  abort.abort();
  assert.ok(unsubscribed);
  assert.equal((await reader.read()).done, true);
});
