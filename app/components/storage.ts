/**
 * Settings kept per browser (localStorage) or per tab (sessionStorage).
 * Either may be disabled: a browser that blocks the site's data throws a
 * SecurityError at the first touch of `window.localStorage`. Then nothing is
 * kept, everything still works, and each value lasts as long as the page.
 */
type Store = "local" | "session";

/** What this page wrote, kept for as long as it lasts whether or not the browser keeps it. */
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
  // What this page wrote comes first: the browser may have refused to keep it (blocked, or full).
  const written = fallback[store].get(key);
  if (written !== undefined) return written;
  try {
    return storage(store)?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Saves the value; when storage is disabled (or full) it lasts as long as the page. */
export function writeStored(key: string, value: string, store: Store = "local"): void {
  fallback[store].set(key, value);
  try {
    storage(store)?.setItem(key, value);
  } catch {
    // not kept past this page
  }
}

export function removeStored(key: string, store: Store = "local"): void {
  fallback[store].delete(key);
  try {
    storage(store)?.removeItem(key);
  } catch {
    // nothing kept to remove
  }
}
