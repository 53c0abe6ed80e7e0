import type { Metadata } from "next";
import Link from "next/link";
import type { HubListing } from "@/lib/docker/hub";
import { humanSize } from "@/lib/images/format";
import { getContext } from "@/lib/server/context";
import CopyCommand from "../components/hub/CopyCommand";
import DeleteTag from "../components/hub/DeleteTag";

export const metadata: Metadata = { title: "Hub · Docker Playground" };
export const dynamic = "force-dynamic";

const pullName = (prefix: string, repo: string, tag: string) => `${prefix}${repo}${tag === "latest" ? "" : `:${tag}`}`;

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "?" : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export default async function HubPage() {
  let listing: HubListing | undefined;
  let problem: string | undefined;
  try {
    listing = await getContext().hub.listing();
    if (!listing) problem = "This playground has no hub: its registry was started without one, so docker push goes to Docker Hub itself.";
  } catch (e) {
    problem = `The hub does not answer right now (${(e as Error).message}). Pushed images are kept; try again in a moment.`;
  }
  // Online, docker.io names are Docker Hub's: the hub is reached by its own name.
  const prefix = listing?.online ? "hub.playground/" : "";
  const rows = (listing?.repositories ?? [])
    .flatMap((r) => r.tags.map((t) => ({ repo: r.name, ...t })))
    .sort((a, b) => b.pushedAt.localeCompare(a.pushedAt));
  return (
    <main className="mx-auto flex min-h-dvh max-w-5xl flex-col px-6 pb-16">
      <header className="flex items-center gap-2 py-6 text-sm font-semibold tracking-wide text-slate-400">
        <Link href="/" className="flex items-center gap-2 hover:text-slate-200">
          <span className="font-mono text-sky-400">&gt;_</span> Docker Playground
        </Link>
      </header>
      <h1 className="text-3xl font-bold tracking-tight text-slate-50">Hub</h1>
      <p className="mt-2 max-w-3xl text-slate-400">
        This playground&apos;s own Docker Hub. Push an image from any session and pull it in any other, with the commands{" "}
        {listing?.online ? "tutorials print, with the hub's name in front" : "tutorials print"}:{" "}
        <code className="font-mono text-slate-300">docker login{listing?.online ? " hub.playground" : ""}</code>, then{" "}
        <code className="font-mono text-slate-300">docker push {prefix}YOUR-NAME/IMAGE</code>. The first login with a name
        makes it yours: only you can push under it, and everyone here can pull. It works with no internet.
      </p>

      <section aria-labelledby="how" className="mt-6 rounded-lg border border-slate-800 bg-slate-900/40 p-4">
        <h2 id="how" className="font-semibold text-slate-100">
          Share an image
        </h2>
        <ol className="mt-2 space-y-2 text-sm text-slate-300">
          <li className="flex flex-wrap items-center gap-2">
            1. Choose a name and a password:{" "}
            <CopyCommand command={`docker login ${listing?.online ? "hub.playground " : ""}-u YOUR-NAME`} />
          </li>
          <li className="flex flex-wrap items-center gap-2">
            2. Name your image after it: <CopyCommand command={`docker tag getting-started ${prefix}YOUR-NAME/getting-started`} />
          </li>
          <li className="flex flex-wrap items-center gap-2">
            3. Push it: <CopyCommand command={`docker push ${prefix}YOUR-NAME/getting-started`} />
          </li>
        </ol>
        {listing?.online ? (
          <p className="mt-3 text-xs text-slate-400" data-testid="hub-online">
            This playground reaches Docker Hub, so names without a registry in front (
            <code className="font-mono">YOUR-NAME/IMAGE</code>) are Docker Hub&apos;s, as on your own machine.
          </p>
        ) : (
          <p className="mt-3 text-xs text-slate-400">
            The hub also answers as <code className="font-mono">hub.playground</code> (
            <code className="font-mono">docker push hub.playground/YOUR-NAME/IMAGE</code>, after{" "}
            <code className="font-mono">docker login hub.playground</code>).
          </p>
        )}
      </section>

      {problem ? (
        <p role="alert" data-testid="hub-problem" className="mt-6 rounded-lg border border-amber-700/60 bg-amber-950/40 p-4 text-amber-200">
          {problem}
        </p>
      ) : (
        <section aria-labelledby="pushed" className="mt-8">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="pushed" className="text-xl font-semibold text-slate-100">
              Pushed here
            </h2>
            <span className="text-sm text-slate-400" data-testid="hub-usage">
              {humanSize(listing?.usage ?? 0)} of {humanSize(listing?.quota.total ?? 0)} used · up to{" "}
              {humanSize(listing?.quota.namespace ?? 0)} per name
            </span>
          </div>
          {rows.length === 0 ? (
            <p className="mt-3 text-slate-400" data-testid="hub-empty">
              Nothing has been pushed yet.
            </p>
          ) : (
            <div className="mt-3 overflow-x-auto rounded-lg border border-slate-800">
              <table className="w-full text-left text-sm" data-testid="hub-table">
                <thead className="bg-slate-900/60 text-xs uppercase tracking-wide text-slate-400">
                  <tr>
                    <th className="px-3 py-2">Image</th>
                    <th className="px-3 py-2">Size</th>
                    <th className="px-3 py-2">Pushed by</th>
                    <th className="px-3 py-2">When</th>
                    <th className="px-3 py-2">Pull it</th>
                    <th className="px-3 py-2">
                      <span className="sr-only">Owner&apos;s actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={`${r.repo}:${r.tag}`} className="border-t border-slate-800" data-testid="hub-row">
                      <td className="px-3 py-2 font-mono text-slate-100">
                        {r.repo}:{r.tag}
                      </td>
                      <td className="whitespace-nowrap px-3 py-2 text-slate-300">{humanSize(r.size)}</td>
                      <td className="px-3 py-2 text-slate-300">{r.pushedBy || "?"}</td>
                      <td className="px-3 py-2 text-slate-400">
                        <time dateTime={r.pushedAt}>{when(r.pushedAt)}</time>
                      </td>
                      <td className="px-3 py-2">
                        <CopyCommand command={`docker pull ${pullName(prefix, r.repo, r.tag)}`} />
                      </td>
                      <td className="px-3 py-2 align-top">
                        <DeleteTag repository={r.repo} tag={r.tag} owner={r.repo.split("/")[0] ?? ""} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {listing && listing.catalog.length > 0 && (
            <p className="mt-6 text-sm text-slate-400">
              {listing.online ? "Also here when Docker Hub cannot be reached" : "Always here, with no internet"}:{" "}
              {listing.catalog.sort().join(", ")}.
            </p>
          )}
        </section>
      )}
    </main>
  );
}
