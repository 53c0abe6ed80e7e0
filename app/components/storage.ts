/** Settings kept per browser in localStorage, where storage may be disabled (private mode, blocked cookies). */

/** The saved value, or null when there is none or storage is disabled (the caller's default applies). */
export function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Saves the value; when storage is disabled it is not kept, and lasts as long as the page. */
export function writeStored(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // not kept
  }
}
