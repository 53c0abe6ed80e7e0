import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 px-6 text-center">
      <h1 className="text-2xl font-semibold text-slate-50">Page not found</h1>
      <Link href="/" className="text-sky-400 hover:text-sky-300">
        Go to the Docker Playground
      </Link>
    </main>
  );
}
