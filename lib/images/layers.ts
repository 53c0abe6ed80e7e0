/**
 * The layers of an image, read from a `docker save` archive (the Engine API's
 * GET /images/{name}/get) as it streams by: which instruction made each layer,
 * how big it is, and which files it added, changed or removed.
 *
 * Both archive layouts are read:
 * - Docker 25 and newer write an OCI layout: `index.json`, `blobs/sha256/<hex>`
 *   (configs, manifests and layers alike) and a `manifest.json` whose `Config`
 *   and `Layers` are paths to blobs.
 * - Older engines write `<id>.json` (the config), `<layer>/layer.tar` (some of
 *   them symlinks to an identical layer) and the same kind of `manifest.json`.
 *
 * Invariants: no layer is ever held in memory, only the names of its entries
 * (at most MAX_NAMES_PER_LAYER); JSON files are kept up to MAX_JSON_BYTES each,
 * because the manifest and the config may come before or after the layers.
 * Nothing here knows about Docker's API or HTTP.
 */
import { posix } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract as tarExtract, type Extract } from "tar-stream";
import { z } from "zod";
import { isPlaygroundError } from "../sessions/errors";
import { ImageArchiveError, ImageTooLargeError } from "./errors";
import { MAX_FILES_PER_LIST, type ImageLayer, type LayerFiles } from "./types";

export interface ReadLayersOptions {
  /** Stop with ImageTooLargeError once the archive passes this many bytes. Default: no limit. */
  maxArchiveBytes?: number;
  /** Names kept per list (added, changed, removed) and per layer. Default: MAX_FILES_PER_LIST. */
  maxFilesPerList?: number;
  /** Stops reading (and destroys the source) when aborted. */
  signal?: AbortSignal;
}

/** A member of a tar archive as tar-stream hands it out (its type is not exported). */
type Entry = Extract extends AsyncIterable<infer S> ? S : never;

/** Largest JSON file (manifest, config, index) kept from the archive. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** Entry names remembered per layer; past this the layer's lists say `truncated`. */
const MAX_NAMES_PER_LAYER = 200_000;
/** The first tar header: enough to tell a tar from a gzip stream or a JSON file. */
const BLOCK = 512;

/** What was seen of one tar blob before the manifest says which layer it is. */
interface LayerBlob {
  /** Names of everything but directories, in archive order, whiteouts included. */
  names: string[];
  /** Bytes of file content, uncompressed. */
  bytes: number;
  /** False when names stopped at MAX_NAMES_PER_LAYER. */
  complete: boolean;
  /** False for a compression node:zlib cannot read (zstd). */
  readable: boolean;
}

/** What the outer archive held, by normalised path. */
interface ArchiveContents {
  blobs: Map<string, LayerBlob>;
  json: Map<string, Buffer>;
  /** Symlinks and hard links between archive members: path -> target path. */
  links: Map<string, string>;
}

/** Reads a `docker save` archive to its end and returns the image's layers, base layer first. */
export async function readLayers(archive: Readable, options: ReadLayersOptions = {}): Promise<ImageLayer[]> {
  const contents = await scanArchive(archive, options);
  const { configPath, layerPaths } = locateImage(contents);
  const config = configSchema.safeParse(parseJson(contents, configPath));
  if (!config.success) throw new ImageArchiveError(`the image config ${configPath} is not valid`);
  return mapLayers(contents, config.data.history ?? [], layerPaths, options.maxFilesPerList ?? MAX_FILES_PER_LIST);
}

// ------------------------------------------------------------ the archive

async function scanArchive(archive: Readable, options: ReadLayersOptions): Promise<ArchiveContents> {
  const contents: ArchiveContents = { blobs: new Map(), json: new Map(), links: new Map() };
  const outer = tarExtract();
  const feeding = pipeline(archive, byteLimit(options.maxArchiveBytes), (chunks) => feed(chunks, outer), {
    signal: options.signal,
  });
  const reading = (async () => {
    for await (const entry of outer) await readMember(entry, contents);
  })();
  const [fed, read] = await Promise.allSettled([feeding, reading]);
  // Either failure stops both; report the one that says more.
  const errors = [fed, read].flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  if (errors.length > 0) {
    const known = errors.find(isPlaygroundError);
    if (known) throw known;
    if (options.signal?.aborted) throw errors[0];
    throw new ImageArchiveError(messageOf(errors[0]));
  }
  return contents;
}

/** Passes bytes through until `max`, then fails with ImageTooLargeError. */
function byteLimit(max = Infinity): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.byteLength;
      callback(seen > max ? new ImageTooLargeError(max) : null, chunk);
    },
  });
}

/**
 * Writes chunks into a tar extractor with backpressure and waits until it has
 * parsed everything. tar-stream's extractor is a streamx stream, which node's
 * pipeline() does not fully understand, hence this small bridge. On failure the
 * extractor is destroyed, so whoever iterates its entries stops too.
 */
async function feed(chunks: AsyncIterable<Buffer>, sink: Extract): Promise<void> {
  let finished = false;
  const done = new Promise<void>((resolve) =>
    sink.once("finish", () => {
      finished = true;
      resolve();
    }),
  );
  const stopped = new Promise<never>((_, reject) => {
    sink.once("error", reject);
    sink.once("close", () => {
      if (!finished) reject(new Error("the tar reader stopped early"));
    });
  });
  stopped.catch(() => {}); // Only raced below; an unwatched rejection must not crash the process.
  try {
    for await (const chunk of chunks) {
      if (!sink.write(chunk)) await Promise.race([new Promise<void>((resolve) => sink.once("drain", () => resolve())), stopped]);
    }
    sink.end(null); // streamx's end() takes the last chunk; null means none
    await Promise.race([done, stopped]);
  } catch (err) {
    sink.destroy(err as Error);
    throw err;
  }
}

/** Reads one member of the outer archive: a layer (names only), a JSON file, or a link. */
async function readMember(entry: Entry, contents: ArchiveContents): Promise<void> {
  const header = entry.header;
  const path = cleanPath(header.name);
  if (header.type === "symlink" || header.type === "link") {
    if (header.linkname) contents.links.set(path, linkTarget(path, header.linkname, header.type));
    return drain(entry);
  }
  if (header.type !== "file" && header.type !== "contiguous-file") return drain(entry);
  if (!header.size) return;

  // tar-stream hands out Buffers; its types say `unknown`.
  const chunks = entry[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < BLOCK) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.byteLength;
  }
  const first = Buffer.concat(head);
  async function* all(): AsyncGenerator<Buffer> {
    yield first;
    if (ended) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }

  const kind = sniff(first);
  if (kind === "tar" || kind === "gzip") {
    const blob: LayerBlob = { names: [], bytes: 0, complete: true, readable: true };
    contents.blobs.set(path, blob);
    const inner = layerRecorder(blob);
    try {
      if (kind === "gzip") await pipeline(Readable.from(all(), { objectMode: false }), createGunzip(), (s) => feed(s, inner));
      else await feed(all(), inner);
    } catch (err) {
      if (isPlaygroundError(err)) throw err;
      throw new ImageArchiveError(`layer ${path}: ${messageOf(err)}`);
    }
  } else if (kind === "zstd") {
    contents.blobs.set(path, { names: [], bytes: header.size, complete: false, readable: false });
    for await (const _ of all());
  } else {
    await keepJson(path, all(), header.size, contents);
  }
}

async function keepJson(path: string, chunks: AsyncIterable<Buffer>, size: number, contents: ArchiveContents) {
  if (size > MAX_JSON_BYTES) {
    // Not a layer and too big to be a config: skip it. If the manifest needs it, that fails later with its name.
    for await (const _ of chunks);
    return;
  }
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  contents.json.set(path, Buffer.concat(parts));
}

async function drain(entry: Entry): Promise<void> {
  for await (const _ of entry);
}

/** Records the names of a layer's entries as its tar streams by; contents are skipped. */
function layerRecorder(blob: LayerBlob): Extract {
  const extract = tarExtract();
  extract.on("entry", (header, stream, next) => {
    if (header.type !== "directory") {
      const name = cleanPath(header.name);
      if (name) {
        if (blob.names.length < MAX_NAMES_PER_LAYER) blob.names.push(name);
        else blob.complete = false;
      }
      if (header.type === "file" || header.type === "contiguous-file") blob.bytes += header.size ?? 0;
    }
    // A failure reaches us through the extractor itself; this listener only keeps it from being "unhandled".
    stream.on("error", () => {});
    stream.on("end", () => next());
    stream.resume();
  });
  return extract;
}

type Kind = "tar" | "gzip" | "zstd" | "other";

/** Tells a layer from the other members by its first bytes, as Docker does. */
function sniff(first: Buffer): Kind {
  if (first[0] === 0x1f && first[1] === 0x8b) return "gzip";
  if (first.byteLength >= 4 && first.readUInt32LE(0) === 0xfd2fb528) return "zstd";
  if (first.byteLength < BLOCK) return "other";
  if (first.toString("latin1", 257, 262) === "ustar") return "tar";
  // An empty layer is only the end-of-archive blocks: zeros.
  if (first.subarray(0, BLOCK).every((b) => b === 0)) return "tar";
  return "other";
}

/** `./a/b/` and `/a/b` become `a/b`. */
function cleanPath(name: string): string {
  const normal = posix.normalize(name.replace(/^\/+/, ""));
  return normal === "." ? "" : normal.replace(/^\.\/+/, "").replace(/\/+$/, "");
}

function linkTarget(path: string, linkname: string, type: "symlink" | "link"): string {
  // Hard links name a path from the archive's root; symlinks are relative to their own folder.
  if (type === "link" || linkname.startsWith("/")) return cleanPath(linkname);
  return cleanPath(posix.join(posix.dirname(path), linkname));
}

function resolvePath(contents: ArchiveContents, path: string): string {
  let current = cleanPath(path);
  for (let hops = 0; hops < 16; hops++) {
    const target = contents.links.get(current);
    if (target === undefined) return current;
    current = target;
  }
  throw new ImageArchiveError(`${path} is a loop of links`);
}

// ------------------------------------------------------------ manifest and config

const manifestSchema = z.array(z.object({ Config: z.string(), Layers: z.array(z.string()) })).min(1);

const historySchema = z.object({
  created: z.string().optional(),
  created_by: z.string().optional(),
  empty_layer: z.boolean().optional(),
});
type History = z.infer<typeof historySchema>;

const configSchema = z.object({ history: z.array(historySchema).optional() });

const descriptorSchema = z.object({
  digest: z.string().regex(/^[a-z0-9]+:[a-f0-9]+$/),
  platform: z.object({ os: z.string().optional() }).optional(),
});
const ociSchema = z.object({
  manifests: z.array(descriptorSchema).optional(),
  config: descriptorSchema.optional(),
  layers: z.array(descriptorSchema).optional(),
});

function parseJson(contents: ArchiveContents, path: string): unknown {
  const bytes = contents.json.get(resolvePath(contents, path));
  if (!bytes) throw new ImageArchiveError(`${path} is missing`);
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new ImageArchiveError(`${path} is not valid JSON`);
  }
}

const blobPath = (digest: string) => `blobs/${digest.replace(":", "/")}`;

/** Where the config and the layers are: manifest.json (both layouts), else the OCI index. */
function locateImage(contents: ArchiveContents): { configPath: string; layerPaths: string[] } {
  if (contents.json.has("manifest.json")) {
    const manifest = manifestSchema.safeParse(parseJson(contents, "manifest.json"));
    if (!manifest.success) throw new ImageArchiveError("manifest.json does not list an image");
    const image = manifest.data[0]!;
    return { configPath: image.Config, layerPaths: image.Layers };
  }
  if (contents.json.has("index.json")) return locateOci(contents, "index.json", 0);
  throw new ImageArchiveError("it has neither manifest.json nor index.json");
}

/** Follows an OCI index down to the first image manifest that is not an attestation. */
function locateOci(contents: ArchiveContents, path: string, depth: number): { configPath: string; layerPaths: string[] } {
  const doc = ociSchema.safeParse(parseJson(contents, path));
  if (!doc.success || depth > 4) throw new ImageArchiveError(`${path} is not an OCI index or manifest`);
  if (doc.data.config) {
    return { configPath: blobPath(doc.data.config.digest), layerPaths: (doc.data.layers ?? []).map((l) => blobPath(l.digest)) };
  }
  const manifest = (doc.data.manifests ?? []).find((m) => m.platform?.os !== "unknown");
  if (!manifest) throw new ImageArchiveError(`${path} lists no image`);
  return locateOci(contents, blobPath(manifest.digest), depth + 1);
}

// ------------------------------------------------------------ layers

/**
 * Pairs history entries with layers: every entry without `empty_layer` owns
 * the next layer of the manifest, in order. Layers left over (an image built
 * without history) get an empty instruction.
 */
function mapLayers(contents: ArchiveContents, history: History[], layerPaths: string[], maxPerList: number): ImageLayer[] {
  const tree = new PathTree();
  const layers: ImageLayer[] = [];
  let next = 0;
  const layerAt = (path: string | undefined, h: History): ImageLayer => {
    const base: ImageLayer = { createdBy: h.created_by ?? "", size: 0, emptyLayer: false };
    if (h.created) base.created = h.created;
    if (path === undefined) return base; // history claims more layers than the image has
    const blob = contents.blobs.get(resolvePath(contents, path));
    if (!blob) throw new ImageArchiveError(`layer ${path} is missing`);
    base.size = blob.bytes;
    if (blob.readable) base.files = classify(blob, tree, maxPerList);
    return base;
  };
  for (const h of history) {
    if (h.empty_layer) {
      const layer: ImageLayer = { createdBy: h.created_by ?? "", size: 0, emptyLayer: true };
      if (h.created) layer.created = h.created;
      layers.push(layer);
    } else {
      layers.push(layerAt(layerPaths[next++], h));
    }
  }
  while (next < layerPaths.length) layers.push(layerAt(layerPaths[next++], {}));
  return layers;
}

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

/**
 * Sorts a layer's names into added, changed and removed against the layers
 * below it (`tree`), then applies the layer to `tree`. A whiteout `.wh.NAME`
 * removes NAME; `.wh..wh..opq` hides everything the lower layers had in its
 * folder (reported only when they had files there). A path is "changed" when
 * a lower layer had it, even if an opaque marker in this same layer hid it
 * first: the folder was replaced, and the file is still there.
 */
function classify(blob: LayerBlob, tree: PathTree, maxPerList: number): LayerFiles {
  const added = new CappedList(maxPerList);
  const changed = new CappedList(maxPerList);
  const removed = new CappedList(maxPerList);
  const opaque: string[] = [];
  const whiteouts: string[] = [];
  const present: string[] = [];
  for (const name of blob.names) {
    const base = posix.basename(name);
    const dir = posix.dirname(name);
    if (base === OPAQUE) {
      const folder = dir === "." ? "" : dir;
      opaque.push(folder);
      // overlay2 also marks folders the layer creates as opaque: only say so when something was hidden.
      if (tree.hasFiles(folder)) removed.push(`${folder}/ (contents replaced)`);
    } else if (base.startsWith(`${WHITEOUT}${WHITEOUT}`)) {
      // Other `.wh..wh.` names are the storage driver's bookkeeping (aufs), not files.
    } else if (base.startsWith(WHITEOUT)) {
      const target = dir === "." ? base.slice(WHITEOUT.length) : `${dir}/${base.slice(WHITEOUT.length)}`;
      whiteouts.push(target);
      removed.push(target);
    } else {
      (tree.has(name) ? changed : added).push(name);
      present.push(name);
    }
  }
  for (const dir of opaque) tree.clearFolder(dir);
  for (const path of whiteouts) tree.remove(path);
  for (const path of present) tree.add(path);
  return {
    added: added.sorted(),
    changed: changed.sorted(),
    removed: removed.sorted(),
    truncated: added.overflowed || changed.overflowed || removed.overflowed || !blob.complete,
  };
}

class CappedList {
  private readonly items: string[] = [];
  overflowed = false;
  constructor(private readonly max: number) {}
  push(item: string) {
    if (this.items.length < this.max) this.items.push(item);
    else this.overflowed = true;
  }
  sorted(): string[] {
    return this.items.sort();
  }
}

interface TreeNode {
  /** A file, symlink or link lives at this path (folders are only implied by their children). */
  file: boolean;
  children?: Map<string, TreeNode>;
}

/** The files of the layers applied so far. A trie, so removing a folder costs one delete. */
class PathTree {
  private readonly root: TreeNode = { file: false };

  private find(path: string, create: boolean): TreeNode | undefined {
    let node = this.root;
    if (path === "") return node;
    for (const part of path.split("/")) {
      let child = node.children?.get(part);
      if (!child) {
        if (!create) return undefined;
        child = { file: false };
        (node.children ??= new Map()).set(part, child);
      }
      node = child;
    }
    return node;
  }

  has(path: string): boolean {
    return this.find(path, false)?.file === true;
  }

  /** Whether any file lives under this folder. */
  hasFiles(path: string): boolean {
    const walk = (node: TreeNode): boolean => node.file || [...(node.children?.values() ?? [])].some(walk);
    const node = this.find(path, false);
    return node?.children !== undefined && [...node.children.values()].some(walk);
  }

  add(path: string): void {
    this.find(path, true)!.file = true;
  }

  /** Removes a path and, if it is a folder, everything under it. */
  remove(path: string): void {
    const slash = path.lastIndexOf("/");
    const parent = this.find(slash < 0 ? "" : path.slice(0, slash), false);
    parent?.children?.delete(path.slice(slash + 1));
  }

  clearFolder(path: string): void {
    const node = this.find(path, false);
    if (node) node.children = undefined;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
