/**
 * Online mode, tested without the internet. Two registry containers on a
 * network of the test's own play Docker Hub, sharing one store: a few
 * images, one of them under a name the catalog also has (busybox). One
 * answers plain HTTP as dockerhub.test (the registry's upstream), the other
 * HTTPS as registry-1.docker.io on the session's network, with a
 * certificate the node is made to trust (as a node on the internet trusts
 * Docker Hub's). Setup (sandbox/build.sh) starts a registry of the test's
 * own in online mode against the first, and a server uses it.
 *
 * Checked: docker.io names come from Docker Hub first, and the catalog
 * answers for its own names where Docker Hub has none; the hub answers as
 * hub.playground only, and `docker push NAME/IMAGE` goes to Docker Hub;
 * inner containers resolve names; with Docker Hub cut off (its container
 * paused: connections open and nothing answers), the catalog and what the
 * cache kept still answer, and a name neither has fails with a message that
 * says so.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { SessionView } from "../../lib/protocol";
import { docker, newInstance, nodeContainer, removeInstance, startServer, type TestServer } from "../support/server";

const run = promisify(execFile);
const root = join(__dirname, "..", "..");

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

describe("online mode, against a stand-in for Docker Hub", () => {
  const instance = newInstance();
  const prefix = `playground-${instance}`;
  const labels = { "playground.instance": instance };
  const upstreamNet = `${prefix}-upstream`;
  const store = `${prefix}-dockerhub-data`;
  const plain = `${prefix}-dockerhub`;
  const tls = `${prefix}-dockerhub-tls`;
  const registry = `${prefix}-registry`;
  const registryVolume = `${prefix}-registry-data`;
  const dir = mkdtempSync(join(tmpdir(), "online-"));
  let server: TestServer;
  let session: SessionView;
  const sh = (script: string) => server.exec(session.id, ["sh", "-c", script]);
  const ok = (r: { exitCode: number; stdout: string; stderr: string }) => {
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  /** Asks the mirror in the node, as the node's engine would, for at most 20 s. */
  const mirror = (path: string) => sh(`curl -s -m 20 http://playground-registry:5000/v2/${path}`);

  before(async () => {
    const image = "playground/registry:latest";
    await docker.createNetwork({ Name: upstreamNet, Labels: labels });
    await docker.createVolume({ Name: store, Labels: labels });
    // Docker Hub's stand-in: Distribution with no auth, published on loopback for the test to fill.
    const upstream = await docker.createContainer({
      name: plain,
      Image: image,
      Labels: labels,
      Cmd: ["/usr/bin/docker-registry", "serve", "/etc/docker/registry/seed.yml"],
      HostConfig: {
        Binds: [`${store}:/var/lib/docker-registry`],
        PortBindings: { "5000/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
        NetworkMode: upstreamNet,
      },
      NetworkingConfig: { EndpointsConfig: { [upstreamNet]: { Aliases: ["dockerhub.test"] } } },
    });
    await upstream.start();
    const hubPort = (await upstream.inspect()).NetworkSettings.Ports["5000/tcp"]?.[0]?.HostPort;    // Its HTTPS side, as registry-1.docker.io, with a certificate of its own.
    await run("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", join(dir, "tls.key"), "-out", join(dir, "tls.crt"), "-days", "2", "-subj", "/CN=registry-1.docker.io",
      "-addext", "subjectAltName=DNS:registry-1.docker.io",
    ]);
    const secure = await docker.createContainer({
      name: tls,
      Image: image,
      Labels: labels,
      Cmd: ["/usr/bin/docker-registry", "serve", "/etc/docker/registry/seed.yml"],
      Env: ["REGISTRY_HTTP_ADDR=:443", "REGISTRY_HTTP_TLS_CERTIFICATE=/tls/tls.crt", "REGISTRY_HTTP_TLS_KEY=/tls/tls.key"],
      HostConfig: { Binds: [`${store}:/var/lib/docker-registry`], NetworkMode: upstreamNet },
    });
    await run("docker", ["cp", `${dir}/.`, `${tls}:/tls`]);
    await secure.start();

    // What Docker Hub has: busybox (the catalog has it too), alpine:3.20 and someone's image, each marked.
    const images: [string, string][] = [
      ["library/busybox:latest", "dockerhub busybox"],
      ["library/alpine:3.20", "dockerhub alpine"],
      ["someone/tool:1", "dockerhub tool"],
      ["someone/other:1", "dockerhub other"],
      ["someone/ready:1", "dockerhub ready"],
    ];
    for (const [name, mark] of images) {
      const tag = `127.0.0.1:${hubPort}/${name}`;
      const build = execFile("docker", ["build", "-q", "-t", tag, "-"]);
      build.stdin!.end(`FROM playground/catalog-busybox\nRUN echo '${mark}' > /where\n`);
      await new Promise<void>((resolve, reject) => build.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`building ${name}: ${code}`)))));
      await run("docker", ["push", "-q", tag]);
      await run("docker", ["rmi", tag]);
    }

    // Setup, online: the test's own registry, seeded with the catalog, with Docker Hub's stand-in upstream.
    await run("bash", [join(root, "sandbox", "build.sh")], {
      env: {
        ...process.env,
        REGISTRY_CONTAINER: registry,
        REGISTRY_VOLUME: registryVolume,
        REGISTRY_HOST_PORT: String(await freePort()),
        REGISTRY_UPSTREAM_URL: "http://dockerhub.test:5000",
        PLAYGROUND_NPM_CACHE: "no",
        PLAYGROUND_APT_CACHE: "no",
        // The catalog names the test pulls; the whole catalog is the suite's other tests' business.
        PLAYGROUND_CATALOG: "busybox hello-world nginx",
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    await docker.getNetwork(upstreamNet).connect({ Container: registry });

    server = await startServer({ REGISTRY_CONTAINER: registry }, instance);
    session = await server.readySession();
    // The mirror reaches Docker Hub's stand-in (a name only it has), now that they share a network.
    const accept = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json";
    ok(await sh(`accept='${accept}'; for i in $(seq 1 150); do curl -sf -o /dev/null -m 5 -H "Accept: $accept" http://playground-registry:5000/v2/someone/ready/manifests/1 && exit 0; sleep 0.2; done; exit 1`));

    // On the session's network, Docker Hub's HTTPS side answers as registry-1.docker.io, as the internet's would.
    const node = await nodeContainer(instance, session.id).inspect();
    const sessionNet = Object.keys(node.NetworkSettings.Networks)[0]!;
    await docker.getNetwork(sessionNet).connect({ Container: tls, EndpointConfig: { Aliases: ["registry-1.docker.io"] } });
    // The node trusts its certificate, as a node online trusts Docker Hub's; the engine reads roots at its start.
    const cert = readFileSync(join(dir, "tls.crt"), "utf8");
    ok(await sh(`printf '%s\\n' '${cert.trim()}' >> /etc/ssl/certs/ca-certificates.crt && playground-engine restart >/dev/null`));
    ok(await sh("for i in $(seq 1 100); do docker version >/dev/null 2>&1 && exit 0; sleep 0.2; done; docker version"));
  });

  after(async () => {
    await run("docker", ["unpause", plain]).catch(() => {});
    await server?.destroy();
    // The test's registry first: it is on the test's networks, which cannot go while it is there.
    await run("docker", ["rm", "-f", "-v", registry]).catch(() => {});
    await run("docker", ["volume", "rm", registryVolume]).catch(() => {});
    await removeInstance(instance);
    rmSync(dir, { recursive: true, force: true });
  });

  test("docker.io names come from Docker Hub first; the catalog answers for names Docker Hub lacks", async () => {
    // A name both have: Docker Hub's, as on a laptop.
    assert.equal(ok(await sh("docker run --rm busybox cat /where")).trim(), "dockerhub busybox");
    assert.equal(ok(await sh("docker run --rm alpine:3.20 cat /where")).trim(), "dockerhub alpine");
    assert.equal(ok(await sh("docker run --rm someone/tool:1 cat /where")).trim(), "dockerhub tool");
    // Docker Hub's stand-in has no hello-world: the catalog's answers.
    assert.match(ok(await sh("docker run --rm hello-world")), /Hello from the playground|Hello/);
    // A name neither has: said plainly, through the mirror.
    const missing = ok(await mirror("library/ubuntu/manifests/latest"));
    assert.match(missing, /ubuntu:latest is not on Docker Hub\. Images this playground has without it: .*busybox/);
  });

  test("the hub answers as hub.playground only; docker push NAME/IMAGE goes to Docker Hub", async () => {
    const registryIp = ok(await sh("getent hosts playground-registry | cut -d' ' -f1")).trim();
    assert.equal(ok(await sh("getent hosts hub.playground | cut -d' ' -f1")).trim(), registryIp);
    assert.notEqual(ok(await sh("getent hosts registry-1.docker.io | cut -d' ' -f1")).trim(), registryIp, "Docker Hub's name is not the hub's online");

    ok(await sh("printf 'online-pass' | docker login hub.playground -u onlinetester --password-stdin 2>&1"));
    const pushed = ok(await sh("docker tag busybox hub.playground/onlinetester/box && docker push hub.playground/onlinetester/box 2>&1"));
    assert.match(pushed, /latest: digest: sha256:/);
    const listing = (await (await server.api("/api/hub")).json()) as { online: boolean; repositories: { name: string }[] };
    assert.equal(listing.online, true);
    assert.ok(listing.repositories.some((r) => r.name === "onlinetester/box"), JSON.stringify(listing));
    // The hub's image does not stand in for Docker Hub's name.
    const shadow = await sh("docker rmi onlinetester/box >/dev/null 2>&1; docker pull onlinetester/box 2>&1");
    assert.notEqual(shadow.exitCode, 0, shadow.stdout);

    // docker.io names are pushed to Docker Hub, which now has it.
    const out = ok(await sh("docker tag busybox someone/pushed:1 && docker push someone/pushed:1 2>&1"));
    assert.match(out, /1: digest: sha256:/);
    assert.match(ok(await sh("curl -s https://registry-1.docker.io/v2/someone/pushed/tags/list")), /"tags":\["1"\]/);
  });

  test("inner containers resolve the playground's names and Docker Hub's", async () => {
    const names = ok(await sh("docker run --rm busybox sh -c 'nslookup hub.playground && nslookup registry-1.docker.io' 2>&1"));
    assert.match(names, /hub\.playground/);
    assert.match(names, /registry-1\.docker\.io/);
  });

  test("with Docker Hub cut off, the catalog and what the cache kept answer; other names fail and say why", async () => {
    await run("docker", ["pause", plain]);
    try {
      // The catalog's own, never pulled before.
      ok(await sh("docker pull -q nginx"));
      // Kept by the cache when Docker Hub answered.
      assert.equal(ok(await sh("docker rmi alpine:3.20 >/dev/null && docker run --rm alpine:3.20 cat /where")).trim(), "dockerhub alpine");
      // Neither: the mirror says so (curl gives up after 20 s: a mirror that waits for Docker Hub fails here).
      const refused = ok(await mirror("someone/other/manifests/1"));
      assert.match(refused, /someone\/other:1 cannot be fetched: Docker Hub does not answer from here now\. Images this playground has without it: /);
    } finally {
      await run("docker", ["unpause", plain]);
    }
  });
});
