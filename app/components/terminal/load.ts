/**
 * The terminal pane's code (xterm and its addons, about 490 kB), loaded once
 * per tab: ahead, while the landing page is read, and then at once for the
 * session's page. Not next/dynamic: React holds back the reveal of a
 * suspended boundary for up to 300 ms, which a learner would wait for.
 */
import { useEffect, useState } from "react";

type Pane = typeof import("../TerminalPane").default;

let loaded: Pane | undefined;
let loading: Promise<Pane> | undefined;

export function loadTerminalPane(): Promise<Pane> {
  loading ??= import("../TerminalPane").then((m) => (loaded = m.default));
  return loading;
}

/** The pane once its code is here: at the first render when it was loaded ahead. */
export function useTerminalPane(): Pane | undefined {
  const [pane, setPane] = useState<Pane | undefined>(() => loaded);
  useEffect(() => {
    if (pane) return;
    let mounted = true;
    void loadTerminalPane().then((p) => mounted && setPane(() => p));
    return () => {
      mounted = false;
    };
  }, [pane]);
  return pane;
}
