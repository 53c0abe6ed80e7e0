/** How the Docker panel writes sizes, ids and instructions for people. Pure; shared by the browser and tests. */

/** Bytes in SI units, as the docker CLI writes them: `135 MB`, `394 B`. */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "?";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, "")} ${units[unit]}`;
}

/** `sha256:44dc86bb7c1d...` -> `44dc86bb7c1d`, as `docker images` shows ids. */
export const shortId = (id: string) => id.replace(/^sha256:/, "").slice(0, 12);

/**
 * The Dockerfile instruction behind a history entry, without the builders'
 * wrapping: the legacy builder writes `/bin/sh -c #(nop)  ENV A=1` for
 * metadata and `/bin/sh -c apt-get ...` (or `|2 A=1 B=2 /bin/sh -c ...` with
 * build args) for RUN; BuildKit writes `RUN /bin/sh -c apt-get ... # buildkit`.
 */
export function shortInstruction(createdBy: string): string {
  const text = createdBy.trim();
  if (!text) return "(no instruction recorded)";
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(text);
  if (nop) return text.slice(nop[0].length).trim();
  const legacyRun = /^(?:\|\d+ .*?)?\/bin\/sh -c /.exec(text);
  if (legacyRun) return `RUN ${text.slice(legacyRun[0].length).trim()}`;
  return text.replace(/^RUN \/bin\/sh -c /, "RUN ").replace(/ # buildkit$/, "");
}
