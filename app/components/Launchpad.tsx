"use client";

/**
 * Where Start opens the session: on the landing page, in place. The
 * session's screen is drawn here as soon as the Start is answered, and the
 * address becomes the session's (history.pushState, which Next's router
 * follows), instead of a navigation that would first fetch the session
 * route's data and code. Back shows the landing page again, Forward the
 * session; a reload, or a shared link, opens the session's own route.
 */
import type { SessionView } from "@/lib/protocol";
import { usePathname } from "next/navigation";
import { createContext, useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { sessionPage } from "./api";
import { preloadable } from "./preload";
import { warmTerminalPane } from "./terminal/load";

const screen = preloadable(() => import("./SessionScreen").then((m) => m.default));

/** The session's screen and its terminal, loaded while the landing page is read. */
export function preloadSessionScreen(): void {
  void screen.load().catch(() => {});
  warmTerminalPane();
}

/** Shows a session just started, in place; false when it cannot, and the caller navigates. */
export type Launch = (session: SessionView) => Promise<boolean>;
export const LaunchContext = createContext<Launch | null>(null);

export default function Launchpad({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const [launched, setLaunched] = useState<{ id: string; pathname: string; shown: boolean }>();
  const Screen = screen.use();

  const launch = useCallback<Launch>(async (session) => {
    try {
      await screen.load();
    } catch {
      return false;
    }
    const path = sessionPage(session);
    window.history.pushState(null, "", path);
    setLaunched({ id: session.id, pathname: new URL(path, location.href).pathname, shown: true });
    return true;
  }, []);

  // Back and Forward (and the session's link to the home page) change the address: show what it names.
  const lastPath = useRef(pathname);
  useEffect(() => {
    if (lastPath.current === pathname) return;
    lastPath.current = pathname;
    setLaunched((l) => l && { ...l, shown: l.pathname === pathname });
  }, [pathname]);

  if (launched?.shown && Screen) return <Screen key={launched.id} id={launched.id} />;
  return <LaunchContext.Provider value={launch}>{children}</LaunchContext.Provider>;
}
