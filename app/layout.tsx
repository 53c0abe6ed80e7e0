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

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh bg-[#0b1120] font-sans text-slate-200 antialiased">{children}</body>
    </html>
  );
}
