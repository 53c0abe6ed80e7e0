"use client";

import { useEffect, useState } from "react";
import { humanSize, shortId, shortInstruction } from "@/lib/images/format";
import { MAX_FILES_PER_LIST, type ImageLayer, type ImageView } from "@/lib/images/types";
import { messageOf } from "../api";
import { fetchLayers } from "./api";
import { Modal } from "./ui";

type Kind = "added" | "changed" | "removed";

const KINDS: { kind: Kind; sign: string; colour: string; label: string }[] = [
  { kind: "added", sign: "+", colour: "text-emerald-300", label: "added" },
  { kind: "changed", sign: "~", colour: "text-amber-300", label: "changed" },
  { kind: "removed", sign: "−", colour: "text-red-300", label: "removed" },
];

/** An image's layers, base first: the instruction, the size, and the files each one touched. */
export default function LayersView({ base, image, onClose }: { base: string; image: ImageView; onClose: () => void }) {
  const [layers, setLayers] = useState<ImageLayer[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchLayers(base, image.id, controller.signal).then(
      (answer) => setLayers(answer.layers),
      (err) => {
        if (!controller.signal.aborted) setError(messageOf(err));
      },
    );
    return () => controller.abort();
  }, [base, image.id]);

  const name = image.tags[0] ?? shortId(image.id);
  return (
    <Modal
      testId="layers-view"
      onClose={onClose}
      title={
        <>
          Layers of <span className="font-mono text-sky-300">{name}</span>
          {layers && (
            <span className="ml-2 text-xs font-normal text-slate-400">
              {layers.filter((l) => !l.emptyLayer).length} layers, {layers.length} history entries, base first
            </span>
          )}
        </>
      }
    >
      <div className="flex-1 overflow-auto">
        {error ? (
          <p role="alert" className="px-4 py-3 text-sm text-red-200">
            {error}
          </p>
        ) : !layers ? (
          <p className="px-4 py-6 text-sm text-slate-400">Reading the image from the node’s engine…</p>
        ) : (
          <ol className="divide-y divide-slate-800">
            {layers.map((layer, i) => (
              <LayerRow key={i} index={i} layer={layer} />
            ))}
          </ol>
        )}
      </div>
    </Modal>
  );
}

function LayerRow({ index, layer }: { index: number; layer: ImageLayer }) {
  const [open, setOpen] = useState<Kind | null>(null);
  const files = layer.files;
  return (
    <li data-testid="layer-row" data-empty={layer.emptyLayer} className={`px-4 py-2 ${layer.emptyLayer ? "opacity-60" : ""}`}>
      <div className="flex items-start gap-3">
        <span className="w-6 shrink-0 pt-0.5 text-right font-mono text-xs text-slate-400">{index + 1}</span>
        <code className="min-w-0 flex-1 break-all font-mono text-xs text-slate-200" title={layer.createdBy}>
          {shortInstruction(layer.createdBy)}
        </code>
        <span className="w-16 shrink-0 text-right font-mono text-xs text-slate-300">{layer.emptyLayer ? "—" : humanSize(layer.size)}</span>
      </div>
      {files && (
        <div className="ml-9 mt-1 flex flex-wrap items-center gap-2">
          {KINDS.map(({ kind, sign, colour, label }) => {
            const count = files[kind].length;
            const more = files.truncated && count >= MAX_FILES_PER_LIST ? "+" : "";
            return (
              <button
                key={kind}
                type="button"
                data-testid={`layer-${kind}`}
                disabled={count === 0}
                aria-expanded={open === kind}
                onClick={() => setOpen(open === kind ? null : kind)}
                className={`rounded px-1.5 py-0.5 font-mono text-xs ${colour} hover:bg-slate-800 disabled:cursor-default disabled:opacity-40 disabled:hover:bg-transparent ${open === kind ? "bg-slate-800" : ""}`}
              >
                {sign}
                {count}
                {more} {label}
              </button>
            );
          })}
        </div>
      )}
      {files && open && (
        <ul data-testid="layer-files" className="ml-9 mt-1 max-h-64 overflow-auto rounded border border-slate-800 bg-[#0b1120] px-3 py-2 font-mono text-xs">
          {files[open].map((path) => (
            <li key={path} className={KINDS.find((k) => k.kind === open)!.colour}>
              {KINDS.find((k) => k.kind === open)!.sign} {path.startsWith("/") ? path : `/${path}`}
            </li>
          ))}
          {files.truncated && files[open].length >= MAX_FILES_PER_LIST && (
            <li className="text-slate-400">… only the first {MAX_FILES_PER_LIST} are listed</li>
          )}
        </ul>
      )}
    </li>
  );
}
