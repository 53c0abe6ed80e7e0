import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Docker Playground",
  description: "A disposable Docker-in-Docker machine with a real terminal, in your browser.",
};

export const viewport: Viewport = {
  themeColor: "#0b1120",
};

/**
 * A page whose script chunk failed to load never starts: it stays on what the
 * server rendered ("Loading session…"). Chromium fails connections being made
 * whenever the machine's network interfaces change (ERR_NETWORK_CHANGED), and
 * Docker changes them with every session's network, so a learner browsing on
 * the playground's own machine can meet this. Such a page reloads itself, at
 * most once in 10 s, so that a chunk really missing cannot loop. Inline in the
 * HTML because it must work before (and without) any chunk.
 */
const RELOAD_ON_CHUNK_ERROR = `addEventListener("error", function (e) {
  var t = e.target, url = t && (t.src || t.href);
  if (!url || !(t instanceof HTMLScriptElement || t instanceof HTMLLinkElement) || url.indexOf("/_next/") < 0) return;
  try {
    var key = "playground-chunk-reload", last = Number(sessionStorage.getItem(key)) || 0;
    if (Date.now() - last < 10000) return;
    sessionStorage.setItem(key, String(Date.now()));
  } catch (_) { return; }
  location.reload();
}, true);`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <script dangerouslySetInnerHTML={{ __html: RELOAD_ON_CHUNK_ERROR }} />
      </head>
      <body className="min-h-dvh bg-[#0b1120] font-sans text-slate-200 antialiased">{children}</body>
    </html>
  );
}
