"use client";

import { humanSize, shortId } from "@/lib/images/format";
import type { ImageView } from "@/lib/images/types";
import { ActionButton, Code, ConfirmButton, EmptyState } from "./ui";

export default function ImagesTab({
  images,
  readOnly,
  busy,
  onLayers,
  onRemove,
}: {
  images: ImageView[];
  readOnly: boolean;
  busy: ReadonlySet<string>;
  onLayers: (image: ImageView) => void;
  onRemove: (image: ImageView) => void;
}) {
  if (images.length === 0) {
    return (
      <EmptyState>
        No images yet. <Code>docker pull nginx</Code> or <Code>docker build</Code> adds some.
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y divide-slate-800">
      {images.map((image) => (
        <li key={image.id} data-testid="image-row" data-tags={image.tags.join(" ")} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
          <div className="min-w-0 flex-1">
            <div className="flex flex-wrap gap-x-2">
              {image.tags.length > 0 ? (
                image.tags.map((tag) => (
                  <span key={tag} className="font-mono text-sm text-slate-100">
                    {tag}
                  </span>
                ))
              ) : (
                <span className="font-mono text-sm text-slate-400">&lt;none&gt;</span>
              )}
            </div>
            <div className="text-xs text-slate-400">
              <span className="font-mono">{shortId(image.id)}</span> · {humanSize(image.size)} · {new Date(image.created).toLocaleString()}
            </div>
          </div>
          <div className="flex items-center gap-1">
            <ActionButton testId="action-layers" onClick={() => onLayers(image)}>
              Layers
            </ActionButton>
            {!readOnly && (
              <ConfirmButton testId="action-remove" label="Remove" question="Remove image?" disabled={busy.has(image.id)} onConfirm={() => onRemove(image)} />
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
