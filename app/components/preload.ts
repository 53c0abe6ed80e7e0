/**
 * Code loaded ahead, once per tab: started while a person reads a page, so
 * that what they click next is drawn at once. Not next/dynamic: React holds
 * back the reveal of a suspended boundary for up to 300 ms, which a learner
 * would wait for.
 */
import { useEffect, useState } from "react";

export interface Preloadable<T> {
  load(): Promise<T>;
  /** What was loaded, if it is here yet. */
  loaded(): T | undefined;
  /** The loaded value once it is here: at the first render when it was loaded ahead. */
  use(): T | undefined;
}

export function preloadable<T>(importer: () => Promise<T>): Preloadable<T> {
  let value: T | undefined;
  let loading: Promise<T> | undefined;
  const load = () => {
    loading ??= importer().then(
      (v) => (value = v),
      (e: unknown) => {
        loading = undefined; // a chunk that failed to load may load on the next try
        throw e;
      },
    );
    return loading;
  };
  return {
    load,
    loaded: () => value,
    use() {
      const [v, setV] = useState<T | undefined>(() => value);
      useEffect(() => {
        if (v !== undefined) return;
        let mounted = true;
        load().then(
          (loadedValue) => mounted && setV(() => loadedValue),
          () => {},
        );
        return () => {
          mounted = false;
        };
      }, [v]);
      return v;
    },
  };
}

/** Runs `work` when the browser is idle (or soon, where it cannot say). */
export function whenIdle(work: () => void): () => void {
  if (typeof requestIdleCallback === "function") {
    const handle = requestIdleCallback(work, { timeout: 2000 });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(work, 500);
  return () => clearTimeout(timer);
}
