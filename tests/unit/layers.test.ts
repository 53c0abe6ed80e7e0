/**
 * Image layers from synthetic `docker save` archives, in both layouts:
 * the legacy one (`<id>/layer.tar`) and Docker 25+'s OCI layout (`blobs/sha256/...`).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { pack, type Header } from "tar-stream";
import { readLayers } from "../../lib/images/layers";

type Member = Partial<Header> & { name: string; body?: Buffer | string };

/** A tar archive of these members, built in memory (test data is small). */
async function tarOf(members: Member[]): Promise<Buffer> {
  const p = pack();
  for (const { body, ...header } of members) {
    if (body === undefined) p.entry(header);
    else p.entry({ ...header, size: Buffer.byteLength(body) }, body);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const file = (name: string, body: Buffer | string = `content of ${name}`): Member => ({ name, body });
const dir = (name: string): Member => ({ name, type: "directory" });
const json = (value: unknown) => JSON.stringify(value);
const sha = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** The layers of a small image: base, then an ENV (no layer), then a layer that changes things. */
async function sampleLayers() {
  const base = await tarOf([
    dir("bin/"),
    file("bin/sh"),
    { name: "bin/bash", type: "symlink", linkname: "sh" },
    dir("etc/"),
    file("etc/config"),
    file("etc/old"),
    dir("var/cache/"),
    file("var/cache/a"),
    file("var/cache/b"),
  ]);
  const change = await tarOf([
    dir("etc/"),
    file("etc/config", "new content"),
    file("etc/.wh.old", ""),
    dir("usr/local/bin/"),
    file("usr/local/bin/tool", "#!/bin/sh\n"),
    dir("var/cache/"),
    file("var/cache/.wh..wh..opq", ""),
    file("var/cache/a", "again"),
    file("var/cache/c"),
    dir("srv/new/"),
    // overlay2 marks folders a layer creates as opaque too: nothing was hidden.
    file("srv/new/.wh..wh..opq", ""),
    file("srv/new/index.html"),
  ]);
  const history = [
    { created: "2026-01-01T00:00:00Z", created_by: "/bin/sh -c #(nop) ADD file:abc in / " },
    { created: "2026-01-01T00:00:01Z", created_by: "/bin/sh -c #(nop)  ENV A=1", empty_layer: true },
    { created: "2026-01-01T00:00:02Z", created_by: "/bin/sh -c apt-get install -y tool" },
  ];
  return { base, change, history };
}

function checkSample(layers: Awaited<ReturnType<typeof readLayers>>, baseSize: number) {
  assert.equal(layers.length, 3);
  const [base, env, change] = layers;
  assert.equal(base!.createdBy, "/bin/sh -c #(nop) ADD file:abc in / ");
  assert.equal(base!.created, "2026-01-01T00:00:00Z");
  assert.equal(base!.emptyLayer, false);
  assert.equal(base!.size, baseSize);
  assert.deepEqual(base!.files, {
    added: ["bin/bash", "bin/sh", "etc/config", "etc/old", "var/cache/a", "var/cache/b"],
    changed: [],
    removed: [],
    truncated: false,
  });

  assert.deepEqual(env, {
    createdBy: "/bin/sh -c #(nop)  ENV A=1",
    created: "2026-01-01T00:00:01Z",
    size: 0,
    emptyLayer: true,
  });

  assert.equal(change!.createdBy, "/bin/sh -c apt-get install -y tool");
  assert.deepEqual(change!.files, {
    added: ["srv/new/index.html", "usr/local/bin/tool", "var/cache/c"],
    changed: ["etc/config", "var/cache/a"],
    removed: ["etc/old", "var/cache/ (contents replaced)"],
    truncated: false,
  });
  assert.equal(change!.size, "new content".length + "#!/bin/sh\n".length + "again".length
    + "content of var/cache/c".length + "content of srv/new/index.html".length);
}

/** Content bytes of the base layer: every file's body. */
const BASE_SIZE = ["bin/sh", "etc/config", "etc/old", "var/cache/a", "var/cache/b"]
  .reduce((n, name) => n + `content of ${name}`.length, 0);

describe("image layers from docker save", () => {
  test("legacy layout (<id>/layer.tar), manifest and config after the layers, a symlinked layer", async () => {
    const { base, change, history } = await sampleLayers();
    const config = json({ architecture: "amd64", history: [...history, { created_by: "/bin/sh -c cp -a /bin /bin2" }] });
    const configName = `${sha(config)}.json`;
    const archive = await tarOf([
      dir("1111/"),
      file("1111/VERSION", "1.0"),
      file("1111/json", json({ id: "1111" })),
      { name: "1111/layer.tar", body: base },
      dir("2222/"),
      { name: "2222/layer.tar", body: change },
      dir("3333/"),
      // Docker 20.10 writes an identical layer once and links the others to it.
      { name: "3333/layer.tar", type: "symlink", linkname: "../1111/layer.tar" },
      file(configName, config),
      file("manifest.json", json([{ Config: configName, RepoTags: ["demo:latest"], Layers: ["1111/layer.tar", "2222/layer.tar", "3333/layer.tar"] }])),
      file("repositories", json({ demo: { latest: "3333" } })),
    ]);
    const layers = await readLayers(Readable.from([archive]));
    checkSample(layers.slice(0, 3), BASE_SIZE);
    // The linked layer is the base again: what exists now is changed, what was removed is added back.
    assert.deepEqual(layers[3]!.files, {
      added: ["etc/old", "var/cache/b"],
      changed: ["bin/bash", "bin/sh", "etc/config", "var/cache/a"],
      removed: [],
      truncated: false,
    });
  });

  test("OCI layout (Docker 25+), manifest.json first, one layer gzipped", async () => {
    const { base, change, history } = await sampleLayers();
    const gzipped = gzipSync(change);
    const config = json({ history, rootfs: { type: "layers", diff_ids: [`sha256:${sha(base)}`, `sha256:${sha(change)}`] } });
    const ociManifest = json({
      schemaVersion: 2,
      config: { digest: `sha256:${sha(config)}`, size: config.length },
      layers: [{ digest: `sha256:${sha(base)}` }, { digest: `sha256:${sha(gzipped)}` }],
    });
    const blob = (data: Buffer | string): Member => ({ name: `blobs/sha256/${sha(data)}`, body: data });
    const archive = await tarOf([
      file("manifest.json", json([{ Config: `blobs/sha256/${sha(config)}`, Layers: [`blobs/sha256/${sha(base)}`, `blobs/sha256/${sha(gzipped)}`] }])),
      dir("blobs/"),
      dir("blobs/sha256/"),
      blob(base),
      blob(ociManifest),
      blob(gzipped),
      blob(config),
      file("index.json", json({ schemaVersion: 2, manifests: [{ digest: `sha256:${sha(ociManifest)}` }] })),
      file("oci-layout", json({ imageLayoutVersion: "1.0.0" })),
    ]);
    checkSample(await readLayers(Readable.from([archive])), BASE_SIZE);
  });

  test("an OCI archive without manifest.json is read through index.json", async () => {
    const { base, change, history } = await sampleLayers();
    const config = json({ history });
    const image = json({ config: { digest: `sha256:${sha(config)}` }, layers: [{ digest: `sha256:${sha(base)}` }, { digest: `sha256:${sha(change)}` }] });
    const attestation = json({ config: { digest: `sha256:${sha("x")}` }, layers: [] });
    const nested = json({ manifests: [
      { digest: `sha256:${sha(attestation)}`, platform: { os: "unknown", architecture: "unknown" } },
      { digest: `sha256:${sha(image)}`, platform: { os: "linux", architecture: "amd64" } },
    ] });
    const archive = await tarOf([
      ...[base, change, config, image, attestation, nested].map((data) => ({ name: `blobs/sha256/${sha(data)}`, body: data })),
      file("index.json", json({ manifests: [{ digest: `sha256:${sha(nested)}` }] })),
    ]);
    checkSample(await readLayers(Readable.from([archive])), BASE_SIZE);
  });

  test("lists stop at the cap and say so; whiteouts at the root", async () => {
    const many = await tarOf(Array.from({ length: 30 }, (_, i) => file(`data/f${String(i).padStart(2, "0")}`)));
    const cleanup = await tarOf([file(".wh.data", ""), file(".wh.tmp", "")]);
    const config = json({ history: [{ created_by: "many" }, { created_by: "cleanup" }] });
    const archive = await tarOf([
      file("c.json", config),
      file("a/layer.tar", many),
      file("b/layer.tar", cleanup),
      file("manifest.json", json([{ Config: "c.json", Layers: ["a/layer.tar", "b/layer.tar"] }])),
    ]);
    const [first, second] = await readLayers(Readable.from([archive]), { maxFilesPerList: 10 });
    assert.equal(first!.files!.added.length, 10);
    assert.equal(first!.files!.added[0], "data/f00");
    assert.equal(first!.files!.truncated, true);
    assert.deepEqual(second!.files, { added: [], changed: [], removed: ["data", "tmp"], truncated: false });
  });

  test("an image without history gets one entry per layer; an empty layer tar has no files", async () => {
    const empty = Buffer.alloc(1024); // a tar with nothing but its end blocks
    const archive = await tarOf([
      file("c.json", json({ architecture: "amd64" })),
      file("l/layer.tar", empty),
      file("manifest.json", json([{ Config: "c.json", Layers: ["l/layer.tar"] }])),
    ]);
    assert.deepEqual(await readLayers(Readable.from([archive])), [
      { createdBy: "", size: 0, emptyLayer: false, files: { added: [], changed: [], removed: [], truncated: false } },
    ]);
  });

  test("archives that are too large or not docker save archives fail with clear errors", async () => {
    const { base } = await sampleLayers();
    const archive = await tarOf([file("l/layer.tar", base), file("c.json", json({})), file("manifest.json", json([{ Config: "c.json", Layers: ["l/layer.tar"] }]))]);
    await assert.rejects(readLayers(Readable.from([archive]), { maxArchiveBytes: 2048 }), { code: "image_too_large", status: 413 });
    await assert.rejects(readLayers(Readable.from([await tarOf([file("hello.txt")])])), {
      code: "image_archive_unreadable",
      message: /neither manifest.json nor index.json/,
    });
    await assert.rejects(readLayers(Readable.from([Buffer.from("not a tar at all".repeat(100))])), { code: "image_archive_unreadable" });
    const missing = await tarOf([file("c.json", json({})), file("manifest.json", json([{ Config: "c.json", Layers: ["gone/layer.tar"] }]))]);
    await assert.rejects(readLayers(Readable.from([missing])), { message: /gone\/layer.tar is missing/ });
  });

  test("an archive arriving in small chunks gives the same answer", async () => {
    const { base, change, history } = await sampleLayers();
    const archive = await tarOf([
      file("c.json", json({ history })),
      file("a/layer.tar", base),
      file("b/layer.tar", change),
      file("manifest.json", json([{ Config: "c.json", Layers: ["a/layer.tar", "b/layer.tar"] }])),
    ]);
    const chunks = Array.from({ length: Math.ceil(archive.length / 100) }, (_, i) => archive.subarray(i * 100, i * 100 + 100));
    checkSample(await readLayers(Readable.from(chunks)), BASE_SIZE);
  });
});
