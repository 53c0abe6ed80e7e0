// The playground's hub: Docker's registry (Distribution, on loopback) behind
// a small gateway that is also its token server. It serves, to every node of
// every session:
//   http://playground-registry:5000   pulls only: each node engine's mirror;
//   https://hub.playground            and, offline, https://registry-1.docker.io
//                                     (the names resolve to this container on
//                                     session networks): login, push and pull.
//
// Online (REGISTRY_UPSTREAM_URL set, Docker Hub's registry): a second
// Distribution on loopback is a pull-through cache of it, and the mirror
// asks it first, so docker.io names are Docker Hub's. The catalog answers
// for its own names when Docker Hub does not (cut off, or without the tag);
// pushed images are only served as hub.playground/NAME/IMAGE, never in
// place of Docker Hub's.
// Distribution checks every request against a token this gateway signs
// (its `auth: token` setting). A token grants pull on everything, and push
// on NAME/... to whoever logged in as NAME: the first login with a name
// claims it, with a password kept hashed (scrypt) for the life of the hub's
// data. Names the catalog uses (library, nicolaka) cannot be claimed.
//
// The gateway also keeps what Distribution does not: who pushed which tag
// when, and how big it is (the hub page lists them), refuses pushes past a
// namespace's or the hub's quota, and turns "not found" into a message that
// says what the playground has.
//
// `node hub.mjs admin METHOD PATH` asks the running gateway's loopback-only
// admin listener (the playground's server uses it through `docker exec`).
//
// Only node's own modules: the image is built from Debian packages alone,
// with no package registry. A token is a JWS (ES256) with the certificate in
// its x5c header, which Distribution checks against its rootcertbundle.
import { execFile, execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";

const DATA = process.env.HUB_DATA ?? "/var/lib/docker-registry/hub";
const CATALOG_LIST = process.env.HUB_CATALOG_LIST ?? "/var/lib/docker-registry/catalog.list";
const DISTRIBUTION = { host: "127.0.0.1", port: 5001 };
/** Online only: Distribution as a pull-through cache of UPSTREAM (upstream.yml), and a reader of what it kept (kept.yml). */
const PROXY = { host: "127.0.0.1", port: 5002 };
const KEPT = { host: "127.0.0.1", port: 5003 };
const UPSTREAM = (process.env.REGISTRY_UPSTREAM_URL ?? "").replace(/\/+$/, "");
const ADMIN_PORT = 5080;
const SERVICE = "playground-hub";
const RESERVED = new Set(["library", "admin", "root", "playground", "hub", "docker"]);
const NAMESPACE_QUOTA = megabytes(process.env.HUB_NAMESPACE_MB, 2000);
const TOTAL_QUOTA = megabytes(process.env.HUB_TOTAL_MB, 20000);
const KEEP_MS = positive(process.env.HUB_KEEP_HOURS, 48) * 3600_000;
/** Garbage collection waits for this long without any write (a push's blobs and its manifest come apart). */
const QUIET_MS = 30_000;
const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const scrypt = promisify(crypto.scrypt);

function positive(value, fallback) {
  const n = Number(value || fallback);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function megabytes(value, fallback) {
  return positive(value, fallback) * 1e6;
}

if (process.argv[2] === "admin") await admin(process.argv[3] ?? "GET", process.argv[4] ?? "/repositories", process.argv[5]);
else await serve();

// ---- admin client (for `docker exec`) ----

/** BODY: JSON in base64, so that no shell or argv splitting touches it. */
async function admin(method, url, body64) {
  const body = body64 ? Buffer.from(body64, "base64").toString("utf8") : "";
  const res = await fetch(`http://127.0.0.1:${ADMIN_PORT}${url}`, {
    method,
    ...(body ? { body, headers: { "content-type": "application/json" } } : {}),
  }).catch((e) => {
    process.stderr.write(`the hub's gateway does not answer: ${e.message}\n`);
    process.exit(3);
  });
  process.stdout.write(await res.text());
  process.exitCode = res.ok ? 0 : 1;
}

// ---- the server ----

async function serve() {
  fs.mkdirSync(DATA, { recursive: true, mode: 0o700 });
  const keyFile = path.join(DATA, "tls.key");
  const certFile = path.join(DATA, "tls.crt");
  if (!fs.existsSync(keyFile) || !fs.existsSync(certFile)) makeCertificate(keyFile, certFile);
  const key = crypto.createPrivateKey(fs.readFileSync(keyFile));
  const certPem = fs.readFileSync(certFile, "utf8");
  const certDer = new crypto.X509Certificate(certPem).raw.toString("base64");

  const accounts = store(path.join(DATA, "accounts.json"));
  const ledger = store(path.join(DATA, "ledger.json"));

  const registries = [distribution("config.yml")];
  const cache = UPSTREAM ? cacheOfDockerHub() : undefined;
  if (cache) registries.push(distribution("kept.yml"), cache);
  for (const sig of ["SIGTERM", "SIGINT"]) {
    process.on(sig, () => {
      for (const r of registries) r.stop();
      process.exit(0);
    });
  }

  /** Signs a token for these grants ({type, name, actions}). */
  function token(subject, access, seconds = 300) {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "ES256", typ: "JWT", x5c: [certDer] };
    const claims = {
      iss: SERVICE, sub: subject, aud: SERVICE, iat: now, nbf: now - 10, exp: now + seconds,
      jti: crypto.randomBytes(12).toString("hex"), access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = crypto.sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
    return `${input}.${b64url(signature)}`;
  }

  /** The gateway's own request to Distribution, with a token for `access`. */
  async function internal(urlPath, access, method = "GET") {
    const res = await fetch(`http://${DISTRIBUTION.host}:${DISTRIBUTION.port}${urlPath}`, {
      method,
      headers: {
        authorization: `Bearer ${token("hub", access, 60)}`,
        accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json",
      },
    });
    return res;
  }

  /**
   * The catalog's repositories, read once: the list setup writes when it seeds
   * them (sandbox/build.sh), so that they are known apart from pushed ones;
   * the registry's own list also keeps the emptied repositories of deleted tags.
   */
  let catalog;
  async function catalogRepos() {
    catalog ??= [...new Set((await fs.promises.readFile(CATALOG_LIST, "utf8")).split("\n").filter(Boolean))].sort();
    return catalog;
  }
  catalogRepos().catch(() => {});

  async function reserved(namespace) {
    if (RESERVED.has(namespace)) return true;
    const repos = await catalogRepos().catch(() => []);
    return repos.some((r) => r.startsWith(`${namespace}/`));
  }

  function usage(namespace) {
    let bytes = 0;
    for (const [repo, entry] of Object.entries(ledger.data)) {
      if (namespace && !repo.startsWith(`${namespace}/`)) continue;
      bytes += repoSize(entry);
    }
    return bytes;
  }

  const failures = new Map(); // name -> { count, until }: wrong passwords in the last minute
  const recent = new Map(); // name -> { seen, until }: a password checked lately
  let hashing = Promise.resolve();
  /** scrypt, one at a time: a flood of logins takes one core, not all. */
  function hashed(password, salt) {
    const run = hashing.then(() => scrypt(password, salt, 32));
    hashing = run.catch(() => {});
    return run;
  }

  /** Checks a login; a name nobody has yet becomes the caller's. Returns the name or a refusal. */
  async function login(header) {
    const m = /^Basic\s+(.+)$/i.exec(header ?? "");
    if (!m) return { user: "" };
    const text = Buffer.from(m[1], "base64").toString("utf8");
    const colon = text.indexOf(":");
    const name = text.slice(0, colon).toLowerCase();
    const password = text.slice(colon + 1);
    if (!NAME.test(name) || name.length < 2 || name.length > 30) {
      return { refusal: `"${text.slice(0, Math.min(colon, 40))}" cannot be a name on this hub: use 2 to 30 lowercase letters and digits, with . _ or - between them` };
    }
    if (password.length < 4) return { refusal: "choose a password of at least 4 characters" };
    const account = accounts.data[name];
    if (account) {
      // A push asks for a token per repository, with the password each time.
      const seen = crypto.createHash("sha256").update(`${account.salt}:${password}`).digest("hex");
      if (recent.get(name)?.seen === seen && recent.get(name).until > Date.now()) return { user: name };
      const wait = failures.get(name);
      if (wait && wait.count >= 10 && wait.until > Date.now()) {
        return { refusal: `too many wrong passwords for ${name}: try again in a minute` };
      }
      const hash = await hashed(password, Buffer.from(account.salt, "hex"));
      if (!crypto.timingSafeEqual(hash, Buffer.from(account.hash, "hex"))) {
        const count = wait && wait.until > Date.now() ? wait.count + 1 : 1;
        failures.set(name, { count, until: Date.now() + 60_000 });
        return { refusal: `the name ${name} is already taken on this playground's hub, and that is not its password` };
      }
      failures.delete(name);
      recent.set(name, { seen, until: Date.now() + 300_000 });
      return { user: name };
    }
    if (await reserved(name)) return { refusal: `the name ${name} belongs to the playground's image catalog: choose another` };
    const salt = crypto.randomBytes(16);
    const hash = await hashed(password, salt);
    if (accounts.data[name]) return login(header); // claimed meanwhile
    accounts.data[name] = { salt: salt.toString("hex"), hash: hash.toString("hex"), created: new Date().toISOString() };
    accounts.save();
    console.error(`[hub] the name ${name} is claimed`);
    return { user: name };
  }

  async function tokenEndpoint(req, res, url, pullOnly) {
    const { user, refusal } = pullOnly ? { user: "" } : await login(req.headers.authorization);
    if (refusal) return registryError(res, 401, "UNAUTHORIZED", refusal);
    const access = [];
    for (const scope of url.searchParams.getAll("scope")) {
      const [type, ...rest] = scope.split(":");
      const actions = (rest.pop() ?? "").split(",");
      const name = rest.join(":");
      if (type !== "repository" || !name) continue;
      const granted = ["pull"];
      const namespace = name.split("/")[0];
      if (user && name.includes("/") && namespace === user && (actions.includes("push") || actions.includes("delete"))) {
        granted.push("push", "delete");
      }
      access.push({ type, name, actions: actions.filter((a) => granted.includes(a)) });
    }
    const t = token(user, access);
    send(res, 200, { token: t, access_token: t, expires_in: 300, issued_at: new Date().toISOString() });
  }

  /** Why a push into REPO, asked of HOST, is refused, if it is. */
  async function pushRefusal(repo, user, host) {
    const [namespace, ...rest] = repo.split("/");
    const image = rest.join("/");
    const prefix = host === "registry-1.docker.io" ? "" : `${host}/`;
    if (namespace === "library" || !image) {
      const name = image || namespace;
      return `${name} is an official image's name, kept for the playground's catalog: push under your own name instead (docker tag ${name} ${prefix}YOUR-NAME/${name}, then docker push ${prefix}YOUR-NAME/${name})`;
    }
    if (!user) {
      return `log in first: docker login${prefix ? ` ${host}` : ""} (on this playground's hub, the first login with a name makes it yours), then docker push ${prefix}YOUR-NAME/${image}`;
    }
    if (namespace !== user) return `${namespace}/ is not yours: you are logged in as ${user}; push to ${prefix}${user}/${image}`;
    if (usage(namespace) >= NAMESPACE_QUOTA) return `${namespace} has used ${gb(usage(namespace))} of its ${gb(NAMESPACE_QUOTA)} on this hub: delete tags on the hub page to push more`;
    if (usage("") >= TOTAL_QUOTA) return `this playground's hub is full (${gb(TOTAL_QUOTA)} in all): ask the instructor, or delete tags on the hub page`;
    return undefined;
  }

  async function notFoundMessage(repo, ref, mirror) {
    const shown = repo.startsWith("library/") ? repo.slice(8) : repo;
    const repos = await catalogRepos().catch(() => []);
    if (UPSTREAM && mirror) {
      const hub = (await upstreamReachable()) ? "is not on Docker Hub" : "cannot be fetched: Docker Hub does not answer from here now";
      if (repos.includes(repo)) return `${shown}:${ref} ${hub}, and this playground's catalog has only these tags: ${describeTags(await listTags(repo))}`;
      const names = repos.map((r) => (r.startsWith("library/") ? r.slice(8) : r)).sort();
      return `${shown}:${ref} ${hub}. Images this playground has without it: ${names.join(", ")}`;
    }
    if (repos.includes(repo) || ledger.data[repo]) {
      return `${shown}:${ref} is not in this playground; its tags here: ${describeTags(await listTags(repo))}`;
    }
    const names = repos.map((r) => (r.startsWith("library/") ? r.slice(8) : r)).sort();
    return `${shown} is not in this playground's offline catalog, nor on its hub. Images here: ${names.join(", ")}; or push your own to the hub (docker login, then docker push NAME/IMAGE)`;
  }

  /** Tags in version order; variants (24-alpine, lts-slim) as their suffixes, once. */
  function describeTags(tags) {
    const plain = tags.filter((t) => !t.includes("-"));
    const suffixes = [...new Set(tags.filter((t) => t.includes("-") && plain.includes(t.slice(0, t.indexOf("-")))).map((t) => t.slice(t.indexOf("-"))))];
    const others = tags.filter((t) => t.includes("-") && !plain.includes(t.slice(0, t.indexOf("-"))));
    const listed = [...plain, ...others].sort(new Intl.Collator("en", { numeric: true }).compare);
    const shown = listed.slice(0, 40).join(", ") + (listed.length > 40 ? ", ..." : "");
    return suffixes.length ? `${shown}; most also with ${suffixes.sort().join(", ")}` : shown;
  }

  async function listTags(repo) {
    const res = await internal(`/v2/${repo}/tags/list?n=1000`, [{ type: "repository", name: repo, actions: ["pull"] }]).catch(() => undefined);
    if (!res?.ok) return [];
    return ((await res.json()).tags ?? []).sort();
  }

  /** The listener for nodes. `pullOnly`: the mirror address, plain HTTP. */
  function handler(proto, pullOnly) {
    return async (req, res) => {
      try {
        const url = new URL(req.url ?? "/", "http://hub");
        if (url.pathname === "/token") return await tokenEndpoint(req, res, url, pullOnly);
        if (!url.pathname.startsWith("/v2/")) return registryError(res, 404, "NOT_FOUND", "this is the playground's image hub: it speaks Docker's registry API under /v2/");
        const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
        const upload = /^\/v2\/(.+)\/blobs\/uploads\//.exec(url.pathname);
        const writing = !["GET", "HEAD"].includes(req.method ?? "GET");
        if (writing && tidying) {
          return registryError(res, 503, "UNAVAILABLE", "the hub is tidying up its storage for a moment: push again in a minute", req.method === "HEAD");
        }
        if (writing) {
          writes++;
          lastWrite = Date.now();
          res.on("close", () => {
            writes--;
            lastWrite = Date.now();
          });
        }
        if (writing && pullOnly) {
          return registryError(res, 405, "UNSUPPORTED", "this address only serves pulls: push to the hub (docker push NAME/IMAGE, or hub.playground/NAME/IMAGE)");
        }
        if (writing && (upload || manifest) && req.method !== "DELETE") {
          const repo = (upload ?? manifest)[1];
          const refusal = await pushRefusal(repo, subjectOf(req.headers.authorization), hostOf(req));
          if (refusal && req.headers.authorization) return registryError(res, 403, "DENIED", refusal);
        }
        const body = manifest && req.method === "PUT" ? await readBody(req, 4 * 1024 * 1024) : undefined;
        const blob = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url.pathname);
        const online = UPSTREAM && pullOnly && !writing && (manifest || blob);
        const upstream = online ? await throughDockerHub(req, manifest ?? blob) : await forward(req, body);
        const status = upstream.statusCode ?? 502;
        const headers = { ...upstream.headers };
        const challenge = headers["www-authenticate"];
        if (challenge) headers["www-authenticate"] = String(challenge).replace(/realm="[^"]*"/, `realm="${proto}://${req.headers.host}/token"`);
        if (status === 404 && manifest && !writing) {
          upstream.resume();
          const message = await notFoundMessage(manifest[1], manifest[2], pullOnly);
          return registryError(res, 404, "MANIFEST_UNKNOWN", message, req.method === "HEAD");
        }
        if (status === 201 && manifest && body) record(manifest[1], manifest[2], body, req.headers.authorization, upstream.headers["docker-content-digest"]);
        res.writeHead(status, headers);
        upstream.pipe(res);
      } catch (e) {
        if (!res.headersSent) registryError(res, 502, "UNAVAILABLE", `the hub could not answer: ${e.message}`);
        else res.destroy();
      }
    };
  }

  /**
   * Online, a pull through the mirror. While Docker Hub answers: its answer,
   * through the cache, which keeps what it fetched. While it does not: what
   * the cache kept, read directly (the cache itself would wait for Docker
   * Hub first). Either way, the catalog's answer for its own names when
   * there is no other. A digest is the same bytes wherever it is stored, so
   * the catalog's copy of one is served without asking anyone.
   */
  async function throughDockerHub(req, [path, repo, ref]) {
    const blob = path.includes("/blobs/");
    const inCatalog = (await catalogRepos().catch(() => [])).includes(repo);
    let failed = false;
    const attempt = async (to, timeoutMs) => {
      const res = await forward(req, undefined, to, timeoutMs).catch(() => undefined);
      if (res && res.statusCode < 400) return res;
      res?.resume();
      if (to === PROXY && (!res || res.statusCode >= 500)) {
        // The cache failing or going silent means Docker Hub does: the next requests do not wait for it.
        reachable = { at: Date.now(), answer: Promise.resolve(false) };
        failed = true;
      }
      return undefined;
    };
    const found =
      (inCatalog && ref.startsWith("sha256:") && (await attempt(DISTRIBUTION))) ||
      // A manifest is small: Docker Hub silent for 8 s is Docker Hub away. A layer may pause longer.
      ((await upstreamReachable()) && (await attempt(PROXY, blob ? 20_000 : 8_000))) ||
      (((await upstreamReachable()) === false || failed) && (await attempt(KEPT, 10_000)));
    return found || (inCatalog ? forward(req) : notFound());
  }

  /** Whether Docker Hub answers its API's base path, asked at most every 10 s. */
  let reachable = { at: 0, answer: Promise.resolve(false) };
  function upstreamReachable() {
    if (Date.now() - reachable.at > 10_000) {
      const answer = fetch(`${UPSTREAM}/v2/`, { signal: AbortSignal.timeout(3000) }).then(
        (res) => {
          const ok = res.status === 200 || res.status === 401;
          if (ok) cache?.wake();
          return ok;
        },
        () => false,
      );
      reachable = { at: Date.now(), answer };
    }
    return reachable.answer;
  }

  function hostOf(req) {
    return String(req.headers.host ?? "").replace(/:443$/, "");
  }

  function subjectOf(authorization) {
    const m = /^Bearer\s+([^.]+)\.([^.]+)\./i.exec(authorization ?? "");
    if (!m) return "";
    try {
      return JSON.parse(Buffer.from(m[2], "base64url").toString("utf8")).sub ?? "";
    } catch {
      return "";
    }
  }

  function record(repo, tag, body, authorization, digest) {
    let manifest;
    try {
      manifest = JSON.parse(body.toString("utf8"));
    } catch {
      return;
    }
    let size = manifest.config?.size ?? 0;
    for (const layer of manifest.layers ?? []) size += layer.size ?? 0;
    const entry = (ledger.data[repo] ??= { tags: {} });
    if (/^sha256:/.test(tag)) {
      // An image of a multi-platform push, stored by digest: counted, not listed.
      (entry.digests ??= {})[tag] = size;
    } else {
      const children = (manifest.manifests ?? []).map((m) => entry.digests?.[m.digest] ?? 0);
      entry.tags[tag] = {
        digest: digest ?? "",
        size: children.length ? children.reduce((a, b) => a + b, 0) : size,
        pushedBy: subjectOf(authorization),
        pushedAt: new Date().toISOString(),
      };
    }
    ledger.save();
  }

  // ---- deleting, expiry, garbage collection ----

  let writes = 0; // write requests in progress
  let lastWrite = 0;
  let tidying = false;
  let collectTimer;

  /** Removes the image REPO@DIGEST (every tag of it); its layers go at the next collection. */
  async function removeImage(repo, digest) {
    const res = await internal(`/v2/${repo}/manifests/${digest}`, [{ type: "repository", name: repo, actions: ["delete"] }], "DELETE");
    if (!res.ok && res.status !== 404) throw new Error(`the registry refused to delete ${repo}@${digest} (${res.status})`);
    const entry = ledger.data[repo];
    const removed = [];
    for (const [tag, t] of Object.entries(entry?.tags ?? {})) {
      if (t.digest === digest) {
        delete entry.tags[tag];
        removed.push(tag);
      }
    }
    if (entry && !Object.keys(entry.tags).length) delete ledger.data[repo];
    ledger.save();
    clearTimeout(collectTimer);
    collectTimer = setTimeout(() => void collect().catch((e) => console.error(`[hub] collection failed: ${e.message}`)), QUIET_MS);
    return removed;
  }

  async function deleteByOwner({ name, password, repository, tag }) {
    if (typeof name !== "string" || typeof password !== "string" || typeof repository !== "string" || typeof tag !== "string") {
      return { error: "give name, password, repository and tag", status: 400 };
    }
    const owner = name.toLowerCase();
    if (!accounts.data[owner]) return { error: `nobody has logged in as ${owner} on this hub`, status: 403 };
    const { user, refusal } = await login(`Basic ${Buffer.from(`${owner}:${password}`).toString("base64")}`);
    if (refusal) return { error: refusal, status: 403 };
    if (!repository.startsWith(`${user}/`)) return { error: `${repository} is not yours: only ${repository.split("/")[0]} can delete it`, status: 403 };
    const t = ledger.data[repository]?.tags[tag];
    if (!t) return { error: `${repository}:${tag} is not on the hub (any more)`, status: 404 };
    return { deleted: await removeImage(repository, t.digest) };
  }

  /** Tags pushed more than HUB_KEEP_HOURS ago go, and names that own nothing and are as old. */
  async function expire() {
    const before = new Date(Date.now() - KEEP_MS).toISOString();
    for (const [repo, entry] of Object.entries(ledger.data)) {
      for (const t of Object.values(entry.tags)) {
        if (t.pushedAt < before) await removeImage(repo, t.digest).catch((e) => console.error(`[hub] ${e.message}`));
      }
    }
    let changed = false;
    for (const [name, account] of Object.entries(accounts.data)) {
      const owns = Object.keys(ledger.data).some((r) => r.startsWith(`${name}/`));
      if (!owns && account.created < before) {
        delete accounts.data[name];
        recent.delete(name);
        changed = true;
      }
    }
    if (changed) accounts.save();
  }
  setInterval(() => void expire().catch((e) => console.error(`[hub] expiry failed: ${e.message}`)), 10 * 60_000).unref();
  void expire().catch(() => {});

  /**
   * Frees the layers no image uses any more (Distribution's garbage-collect).
   * Pushes are refused meanwhile, and it waits until nothing has been
   * written for QUIET_MS: a blob uploaded for a manifest not yet put would
   * otherwise be collected.
   */
  async function collect(quietMs = QUIET_MS) {
    if (tidying) return { collected: false, reason: "already collecting" };
    const waitUntil = Date.now() + 10 * 60_000;
    while (writes > 0 || Date.now() - lastWrite < quietMs) {
      if (Date.now() > waitUntil) return { collected: false, reason: "the hub was never quiet" };
      await new Promise((r) => setTimeout(r, 1000));
    }
    tidying = true;
    try {
      const out = await new Promise((resolve, reject) => {
        execFile("/usr/bin/docker-registry", ["garbage-collect", "/etc/docker/registry/config.yml"], { maxBuffer: 64 * 1024 * 1024 }, (e, stdout) =>
          e ? reject(e) : resolve(stdout),
        );
      });
      const blobs = (out.match(/blob eligible for deletion/g) ?? []).length;
      console.error(`[hub] garbage collection freed ${blobs} blobs`);
      return { collected: true, blobs };
    } finally {
      tidying = false;
    }
  }

  const adminHandler = async (req, res) => {
    const url = new URL(req.url ?? "/", "http://hub");
    if (req.method === "GET" && url.pathname === "/repositories") {
      const repositories = Object.entries(ledger.data)
        .filter(([, e]) => Object.keys(e.tags).length)
        .map(([name, e]) => ({ name, tags: Object.entries(e.tags).map(([tag, t]) => ({ tag, ...t })) }));
      return send(res, 200, {
        repositories,
        catalog: (await catalogRepos().catch(() => [])).map((r) => (r.startsWith("library/") ? r.slice(8) : r)),
        accounts: Object.keys(accounts.data).length,
        // Online, docker.io names are Docker Hub's: the hub is hub.playground alone.
        online: !!UPSTREAM,
        usage: usage(""),
        quota: { namespace: NAMESPACE_QUOTA, total: TOTAL_QUOTA },
      });
    }
    if (req.method === "POST" && url.pathname === "/delete") {
      const body = JSON.parse((await readBody(req, 64 * 1024)).toString("utf8") || "{}");
      const result = await deleteByOwner(body);
      return send(res, result.error ? result.status : 200, result);
    }
    if (req.method === "POST" && url.pathname === "/collect") {
      return send(res, 200, await collect(url.searchParams.get("quiet") === "0" ? 0 : QUIET_MS));
    }
    if (req.method === "GET" && url.pathname === "/certificate") {
      res.writeHead(200, { "content-type": "application/x-pem-file" });
      return res.end(certPem);
    }
    send(res, 404, { error: "no such admin path" });
  };

  http.createServer(handler("http", true)).listen(5000);
  https.createServer({ key: fs.readFileSync(keyFile), cert: certPem }, handler("https", false)).listen(443);
  http.createServer(adminHandler).listen(ADMIN_PORT, "127.0.0.1");
}

// ---- helpers ----

function makeCertificate(keyFile, certFile) {
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "3650", "-subj", "/CN=hub.playground",
    "-addext", "subjectAltName=DNS:hub.playground,DNS:registry-1.docker.io",
    // Not a CA: nodes trust this one certificate, which can vouch for nothing else.
    "-addext", "basicConstraints=critical,CA:FALSE",
  ], { stdio: "ignore" });
  fs.chmodSync(keyFile, 0o600);
}

/** Distribution with /etc/docker/registry/CONFIG. */
function spawnDistribution(config, env = {}) {
  const { REGISTRY_UPSTREAM_URL: _, ...inherited } = process.env; // Distribution warns of REGISTRY_ names it does not know
  return spawn("/usr/bin/docker-registry", ["serve", `/etc/docker/registry/${config}`], {
    stdio: "inherit",
    // Signs upload state between requests; one process, so any secret will do.
    env: { ...inherited, ...env, REGISTRY_HTTP_SECRET: crypto.randomBytes(16).toString("hex") },
  });
}

/** A Distribution the gateway cannot do without: if it stops, the gateway stops (and the container restarts). */
function distribution(config) {
  const child = spawnDistribution(config);
  child.on("exit", (code, signal) => {
    console.error(`[hub] the registry (${config}) stopped (${signal ?? code}); stopping too`);
    process.exit(1);
  });
  return { stop: () => child.kill("SIGTERM") };
}

/**
 * The cache of Docker Hub. Distribution asks Docker Hub at its start and
 * stops when it cannot, so it is started again every 10 s, or at once when
 * Docker Hub is seen to answer (`wake`); meanwhile pulls are served from
 * what it kept (kept.yml).
 */
function cacheOfDockerHub() {
  let child;
  let retry;
  let stopping = false;
  let failures = 0;
  const start = () => {
    clearTimeout(retry);
    retry = undefined;
    const startedAt = Date.now();
    child = spawnDistribution("upstream.yml", { REGISTRY_PROXY_REMOTEURL: UPSTREAM });
    child.on("exit", (code, signal) => {
      child = undefined;
      if (stopping) return;
      if (Date.now() - startedAt > 60_000) failures = 0;
      if (failures++ === 0) console.error(`[hub] the cache of Docker Hub stopped (${signal ?? code}): is ${UPSTREAM} reachable? Starting it again every 10 s`);
      retry = setTimeout(start, 10_000);
    });
  };
  start();
  return {
    wake: () => {
      if (!child && !stopping) start();
    },
    stop: () => {
      stopping = true;
      clearTimeout(retry);
      child?.kill("SIGTERM");
    },
  };
}

/**
 * REQ passed on to a Distribution: the hub's, or online the cache of Docker
 * Hub (which gets no credentials). TIMEOUTMS: the longest silence waited for.
 */
function forward(req, body, to = DISTRIBUTION, timeoutMs = 0) {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    if (body) headers["content-length"] = String(body.length);
    if (to !== DISTRIBUTION) delete headers.authorization;
    const out = http.request({ ...to, method: req.method, path: req.url, headers }, resolve);
    out.on("error", reject);
    if (timeoutMs) out.setTimeout(timeoutMs, () => out.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    if (body) out.end(body);
    else if (req.readableEnded || req.method === "GET" || req.method === "HEAD") out.end();
    else req.pipe(out);
  });
}

/** A stand-in for Distribution's "not found", which the handler turns into the message. */
function notFound() {
  const res = new PassThrough();
  res.statusCode = 404;
  res.headers = {};
  res.end();
  return res;
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > limit) reject(new Error("the manifest is too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function repoSize(entry) {
  const counted = new Set();
  let bytes = 0;
  for (const t of Object.values(entry.tags)) {
    if (counted.has(t.digest)) continue;
    counted.add(t.digest);
    bytes += t.size;
  }
  return bytes;
}

function store(file) {
  let data = {};
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    if (e.code !== "ENOENT") {
      const aside = `${file}.unreadable-${Date.now()}`;
      fs.renameSync(file, aside);
      console.error(`[hub] ${file} could not be read (${e.message}): kept as ${aside}, starting afresh`);
    }
  }
  return {
    data,
    save() {
      fs.writeFileSync(`${file}.new`, JSON.stringify(data));
      fs.renameSync(`${file}.new`, file);
    },
  };
}

function send(res, status, value) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

function registryError(res, status, code, message, noBody = false) {
  const headers = { "content-type": "application/json", "docker-distribution-api-version": "registry/2.0" };
  if (status === 401) headers["www-authenticate"] = `Basic realm="${SERVICE}"`;
  res.writeHead(status, headers);
  res.end(noBody ? undefined : JSON.stringify({ errors: [{ code, message, detail: null }] }));
}

function b64url(value) {
  return Buffer.from(value).toString("base64url");
}

function gb(bytes) {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}
