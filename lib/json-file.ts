/**
 * A JSON file that the server keeps (DATA_DIR): read with a fallback for a
 * file not yet written, and replaced whole (write a temporary file, then
 * rename it over), so that a crash leaves the old version or the new one,
 * never half of one.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export async function readJson<T>(path: string, missing: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return missing;
    throw e;
  }
}

/** Only the server reads it: the directory is 0700 and the file 0600. */
export async function writeJson(path: string, value: unknown, space?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(value, null, space), { mode: 0o600 });
  await rename(temporary, path);
}
