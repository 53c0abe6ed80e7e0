import type { Metadata } from "next";
import Link from "next/link";
import WorkshopCatalog from "../components/lesson/WorkshopCatalog";

export const metadata: Metadata = { title: "Workshops · Docker Playground" };

export default function WorkshopsPage() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-5xl flex-col px-6">
      <header className="flex items-center gap-2 py-6 text-sm font-semibold tracking-wide text-slate-400">
        <Link href="/" className="flex items-center gap-2 hover:text-slate-200">
          <span className="font-mono text-sky-400">&gt;_</span> Docker Playground
        </Link>
      </header>
      <h1 className="text-3xl font-bold tracking-tight text-slate-50">Workshops</h1>
      <p className="mt-2 max-w-2xl text-slate-400">
        Guided lessons in a real sandbox: each step explains one thing, lets you run it with a click, and checks your work.
        Teaching a class? “Teach this” gives you a link for your students and a page that shows how each of them is doing.
      </p>
      <WorkshopCatalog />
    </main>
  );
}
