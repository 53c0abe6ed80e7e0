import Link from "next/link";
import Launchpad from "./components/Launchpad";
import StartButton from "./components/StartButton";

const FEATURES = [
  {
    title: "A real terminal",
    text: "A full shell on a fresh Linux machine, right in this tab. No install, no account.",
  },
  {
    title: "Docker as on your laptop",
    text: "docker run, docker build and docker compose work as usual, inside an isolated Docker-in-Docker engine.",
  },
  {
    title: "Disposable",
    text: "A session lasts a few hours. When it ends, its containers, images and files are deleted.",
  },
];

export default function Home() {
  return (
    <Launchpad>
      <main className="mx-auto flex min-h-dvh max-w-4xl flex-col px-6">
        <header className="flex items-center gap-2 py-6 text-sm font-semibold tracking-wide text-slate-400">
          <span className="font-mono text-sky-400">&gt;_</span> Docker Playground
        </header>

        <section className="flex flex-1 flex-col items-center justify-center gap-8 pb-16 text-center">
          <div className="space-y-4">
            <h1 className="text-4xl font-bold tracking-tight text-slate-50 sm:text-5xl">
              A disposable Docker machine in your browser
            </h1>
            <p className="mx-auto max-w-2xl text-lg text-slate-400">
              Get a throwaway Docker-in-Docker machine with a real terminal. Try images, build Dockerfiles and run
              Compose projects without touching your own computer.
            </p>
          </div>

          <div className="flex flex-col items-center gap-3">
            <StartButton />
            <Link href="/workshops" data-testid="workshops-link" className="text-sm text-sky-300 hover:text-sky-200 hover:underline">
              Or follow a guided workshop, alone or with your class →
            </Link>
            <Link href="/hub" data-testid="hub-link" className="text-sm text-sky-300 hover:text-sky-200 hover:underline">
              Images people have pushed to this playground&apos;s hub →
            </Link>
          </div>

          <pre className="w-full max-w-md overflow-x-auto rounded-lg border border-slate-800 bg-slate-950/60 px-4 py-3 text-left font-mono text-sm text-slate-300">
            <span className="text-sky-400">$</span> docker run hello-world{"\n"}
            <span className="text-sky-400">$</span> docker compose up -d
          </pre>

          <ul className="grid w-full gap-4 pt-4 text-left sm:grid-cols-3">
            {FEATURES.map((f) => (
              <li key={f.title} className="rounded-lg border border-slate-800 bg-slate-900/40 p-4">
                <h2 className="font-semibold text-slate-100">{f.title}</h2>
                <p className="mt-1 text-sm text-slate-400">{f.text}</p>
              </li>
            ))}
          </ul>
        </section>

        <footer className="py-6 text-center text-xs text-slate-400">
          Everything you do in a playground is deleted when the session ends. Do not keep anything important there.
        </footer>
      </main>
    </Launchpad>
  );
}
