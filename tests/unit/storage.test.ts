/** Settings storage: used when the browser allows it, kept for the page when it does not. */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { readStored, removeStored, writeStored } from "../../app/components/storage";

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

const g = globalThis as { window?: unknown };
afterEach(() => delete g.window);

test("settings go to localStorage, and per-tab ones to sessionStorage", () => {
  const local = new MemoryStorage();
  const session = new MemoryStorage();
  g.window = { localStorage: local, sessionStorage: session };
  writeStored("a", "1");
  writeStored("b", "2", "session");
  assert.equal(local.items.get("a"), "1");
  assert.equal(session.items.get("b"), "2");
  assert.equal(local.items.has("b"), false);
  assert.equal(readStored("a"), "1");
  // Another tab changes it: that is what this page reads next.
  local.items.set("a", "from another tab");
  assert.equal(readStored("a"), "from another tab");
  removeStored("a");
  assert.equal(readStored("a"), null);
});

test("with the site's storage blocked, nothing throws and values last as long as the page", () => {
  const denied = () => {
    throw new Error("SecurityError: Access is denied for this document.");
  };
  g.window = Object.defineProperties({}, { localStorage: { get: denied }, sessionStorage: { get: denied } });
  assert.equal(readStored("blocked-key"), null);
  writeStored("blocked-key", "kept");
  writeStored("blocked-key", "tab", "session");
  assert.equal(readStored("blocked-key"), "kept");
  assert.equal(readStored("blocked-key", "session"), "tab");
  removeStored("blocked-key");
  assert.equal(readStored("blocked-key"), null);
});

test("a full storage (quota) keeps the value for the page", () => {
  const full = new MemoryStorage();
  full.setItem = () => {
    throw new Error("QuotaExceededError");
  };
  g.window = { localStorage: full, sessionStorage: full };
  full.items.set("full-key", "old");
  writeStored("full-key", "x");
  assert.equal(readStored("full-key"), "x", "what the page wrote, not the old value the browser still has");
});
