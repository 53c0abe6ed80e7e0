/**
 * Settings kept per browser (localStorage) or per tab (sessionStorage).
 * Either may be disabled: a browser that blocks the site's data throws a
 * SecurityError at the first touch of `window.localStorage`. Then nothing is
 * kept, everything still works, and each value lasts as long as the page.
 */
type Store = "local" | "session";

/** What this page wrote and the browser would not keep (blocked, or full): it lasts as long as the page. */
const fallback: Record<Store, Map<string, string>> = { local: new Map(), session: new Map() };

function storage(store: Store): Storage | undefined {
  try {
    return store === "local" ? window.localStorage : window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The saved value, or null when there is none (the caller's default applies). */
export function readStored(key: string, store: Store = "local"): string | null {
  const unkept = fallback[store].get(key);
  if (unkept !== undefined) return unkept;
  try {
    return storage(store)?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Saves the value; when the browser will not keep it, it lasts as long as the page. */
export function writeStored(key: string, value: string, store: Store = "local"): void {
  try {
    const s = storage(store);
    if (s) {
      s.setItem(key, value);
      // Kept: from now on what the browser has wins, another tab's later change included.
      fallback[store].delete(key);
      return;
    }
  } catch {
    // not kept past this page
  }
  fallback[store].set(key, value);
}

export function removeStored(key: string, store: Store = "local"): void {
  fallback[store].delete(key);
  try {
    storage(store)?.removeItem(key);
  } catch {
    // nothing kept to remove
  }
}
