/**
 * The browser tests' `test`: Playwright's, with one allowance. Chromium fails
 * a navigation whose connection is being made when the machine's network
 * interfaces change (ERR_NETWORK_CHANGED), and the engine these tests drive
 * changes them with every session's network. The app recovers by itself
 * from failed chunks and API reads (playground.spec.ts and states.spec.ts
 * check that), but a failed top-level navigation is the browser's own error
 * page, which a person would reload: so a navigation that fails this way,
 * and only this way, is made once more.
 */
import { test as base, type Page } from "@playwright/test";

export { expect } from "@playwright/test";

const patched = new WeakSet<object>();

function tolerateNetworkChange(page: Page): void {
  const proto = Object.getPrototypeOf(page) as Page;
  if (patched.has(proto)) return;
  patched.add(proto);
  for (const name of ["goto", "reload"] as const) {
    const original = proto[name] as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value: async function (this: Page, ...args: unknown[]) {
        try {
          return await original.apply(this, args);
        } catch (e) {
          if (!String(e).includes("net::ERR_NETWORK_CHANGED")) throw e;
          return original.apply(this, args);
        }
      },
    });
  }
}

export const test = base.extend<{ networkChangeTolerant: void }>({
  networkChangeTolerant: [
    async ({ page }, use) => {
      tolerateNetworkChange(page);
      await use();
    },
    { auto: true },
  ],
});
