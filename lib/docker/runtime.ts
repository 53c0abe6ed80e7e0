/**
 * The Docker adapter: runs playground nodes as Docker-in-Docker containers
 * through dockerode. The only module of the core path that speaks Docker.
 */
import Docker from "dockerode";
import { posix } from "node:path";
import { PassThrough, pipeline } from "node:stream";
import * as tar from "tar-stream";
import type { Config } from "../config";
import type { ExecResult } from "../protocol";
import { ImagesMissingError, NodeNotReadyError, PathNotFoundError } from "../sessions/errors";
import { DISK_MOUNT_OPTIONS, DiskKeeper } from "./disks";
import { DOCKER_HUB_REGISTRY_HOST, Hub, HUB_HOST } from "./hub";
import { freeSubnet } from "./subnets";
import { nodeSeccompProfile } from "./seccomp";
import { engineError } from "./engine";
import type {
  CommandStream,
  ExecOptions,
  FoundNode,
  NodeEvent,
  NodeSpec,
  NodeWatch,
  PathContent,
  RuntimeStatus,
  SandboxLabels,
  SandboxRuntime,
  StartedNode,
} from "../sessions/runtime";
import {
  LABEL,
  NPM_CACHE_HOST,
  APT_CACHE_HOST,
  REGISTRY_ALIAS,
  REGISTRY_MIRROR_URL,
  bridgeName,
  containerName,
  holderName,
  networkName,
  volumeName,
} from "./names";

/** Names, image and limits of nodes: the `node` part of the configuration. */
export type DockerRuntimeOptions = Config["node"];

/** Output kept per stream of an exec; the rest is dropped and reported as truncated. */
const MAX_EXEC_OUTPUT_BYTES = 1024 * 1024;
const READY_LINE = "PLAYGROUND_READY";
/** The cgroup (cgroupfs driver) under which limits holders run; each node runs inside its holder's. */
const HOLDERS_CGROUP = "/playground";

/** What nodes depend on in the host's engine; asked once. */
interface HostFacts {
  cgroupVersion: "1" | "2";
  /** Whether the engine remaps user namespaces (dockerd --userns-remap): root in a node is not root on the host. */
  userns: boolean;
  /** The host's uid:gid of root in a node: the first of the remapped range, or 0:0. */
  rootOwner: string;
  /** Whether nodes run inside a limits holder (cgroup v1 with the cgroupfs driver, no user namespaces). */
  holders: boolean;
}
/** How long the engine may take to say whether it is there (health, new sessions). */
const STATUS_DEADLINE_MS = 3000;
/** Printed by the node's entrypoint when its inner engine stops, with dockerd's exit status. */
const STOPPED_LINE = /^PLAYGROUND_ENGINE_STOPPED(?: (\d+))?$/;
/** Printed when a restart of the inner engine begins. */
const STARTING_LINE = "PLAYGROUND_ENGINE_STARTING";
/** Lines of a node's output kept for the log when its engine stops. */
const DETAIL_LINES = 30;
/** How long a restart of the inner engine may take: 20 s to stop, 30 s to answer, and margin. */
const ENGINE_RESTART_TIMEOUT_MS = 90_000;

const statusOf = (e: unknown) => (e as { statusCode?: number }).statusCode;
const ignoreMissing = (e: unknown) => {
  if (statusOf(e) !== 404) throw e;
};
/**
 * The container is gone or not running: 404, 409, or (engines of Docker 20
 * for a container being removed) a 500 that says so, "is not running:
 * Removal In Progress".
 */
export const notRunning = (e: unknown) =>
  statusOf(e) === 404 || statusOf(e) === 409 || (statusOf(e) === 500 && /is not running|removal in progress|is restarting/i.test(String((e as Error).message)));

export class DockerRuntime implements SandboxRuntime {
  private readonly disks: DiskKeeper;
  private host?: Promise<HostFacts>;
  /** The hub in the registry container: pushes, and docker.io names offline. */
  readonly hub: Hub;

  constructor(
    private readonly docker: Docker,
    private readonly opts: DockerRuntimeOptions,
  ) {
    this.disks = new DiskKeeper(docker, { instance: opts.instance, image: opts.sandboxImage }, (container, cmd, timeoutMs) =>
      this.execIn(container, "the disk keeper", cmd, { timeoutMs }),
    );
    this.hub = new Hub(docker, opts.registryContainer);
  }

  private labels(l: SandboxLabels, extra: Record<string, string> = {}): Record<string, string> {
    return {
      [LABEL.instance]: l.instance,
      [LABEL.session]: l.sessionId,
      [LABEL.expiresAt]: l.expiresAt.toISOString(),
      [LABEL.watch]: l.watchId,
      ...(l.pooled ? { [LABEL.pooled]: "true" } : {}),
      ...extra,
    };
  }

  private filters(sessionId?: string) {
    const label = [`${LABEL.instance}=${this.opts.instance}`];
    if (sessionId) label.push(`${LABEL.session}=${sessionId}`);
    return { label };
  }

  async status(): Promise<RuntimeStatus> {
    // Short: health checks and new sessions wait on it, and a hung engine must not hold them.
    // (The request itself ends at its own deadline, lib/docker/engine.ts.)
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${STATUS_DEADLINE_MS} ms`)), STATUS_DEADLINE_MS);
    });
    try {
      const version = (await Promise.race([this.docker.version(), late])).Version;
      const [image, registry, npmCache, aptCache] = await Promise.race([
        Promise.all([
          this.docker.getImage(this.opts.sandboxImage).inspect().catch(() => undefined),
          this.docker.getContainer(this.opts.registryContainer).inspect().catch(() => undefined),
          this.docker.getContainer(this.opts.npmCacheContainer).inspect().catch(() => undefined),
          this.docker.getContainer(this.opts.aptCacheContainer).inspect().catch(() => undefined),
        ]),
        late,
      ]);
      const host = await Promise.race([this.hostFacts(), late]);
      return {
        engine: { reachable: true, version },
        sandboxImage: !!image,
        registryRunning: !!registry?.State.Running,
        npmCacheRunning: !!npmCache?.State.Running,
        aptCacheRunning: !!aptCache?.State.Running,
        isolation: this.isolation(host),
      };
    } catch (e) {
      return { engine: { reachable: false, message: (e as Error).message }, sandboxImage: false, registryRunning: false };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether the engine isolates nodes as NODE_ISOLATION asks. */
  private isolation(host: HostFacts): NonNullable<RuntimeStatus["isolation"]> {
    const mode = this.opts.isolation;
    if (mode === "none" || host.userns) return { mode, ok: true };
    return {
      mode,
      ok: false,
      message:
        "NODE_ISOLATION=userns, but the engine does not remap user namespaces. " +
        "Start the playground engine (sudo bash sandbox/engine.sh start, which npm run setup does as root), " +
        "or set NODE_ISOLATION=none to run nodes as root of this host (see the README's Security section).",
    };
  }

  async createNetwork(sessionId: string, labels: SandboxLabels): Promise<void> {
    const name = networkName(this.opts.instance, sessionId);
    const create = (subnet?: string) =>
      this.docker.createNetwork({
        Name: name,
        Driver: "bridge",
        CheckDuplicate: true,
        Labels: this.labels(labels),
        // One name pattern for every session's bridge: the host firewall
        // (sandbox/firewall.sh) matches them all with `pg-+`.
        Options: { "com.docker.network.bridge.name": bridgeName(sessionId) },
        ...(subnet ? { IPAM: { Driver: "default", Config: [{ Subnet: subnet }] } } : {}),
      });
    try {
      // The playground engine's address pools are SESSION_SUBNETS (sandbox/engine.sh); the host's are not.
      if (this.opts.isolation === "none") await this.createInSessionSubnets(create);
      else await create();
    } catch (e) {
      if (statusOf(e) !== 409) throw e;
    }
    // The registry joins every session network, under the same name everywhere,
    // so that each node's engine finds its mirror without reaching the host.
    // With the hub, it is also hub.playground, and offline Docker Hub's registry there.
    const hub = await this.hub.info();
    try {
      await this.docker.getNetwork(name).connect({
        Container: this.opts.registryContainer,
        EndpointConfig: { Aliases: [REGISTRY_ALIAS, ...(hub ? [HUB_HOST] : []), ...(hub && !hub.online ? [DOCKER_HUB_REGISTRY_HOST] : [])] },
      });
    } catch (e) {
      if (statusOf(e) === 404) throw new ImagesMissingError("The playground registry is missing");
      if (statusOf(e) !== 403 && statusOf(e) !== 409) throw e; // already connected
    }
    // The package caches too. Without them sessions still work; npm install
    // then fails to find npm.playground, apt goes direct, and /api/health says
    // which cache is missing.
    for (const [container, alias] of this.caches()) {
      await this.docker
        .getNetwork(name)
        .connect({ Container: container, EndpointConfig: { Aliases: [alias] } })
        .catch((e: unknown) => {
          if (![403, 404, 409].includes(statusOf(e) ?? 0)) throw e;
        });
    }
  }

  /** The package caches' containers, and the names they answer to on session networks. */
  private caches(): [string, string][] {
    return [
      [this.opts.npmCacheContainer, NPM_CACHE_HOST],
      [this.opts.aptCacheContainer, APT_CACHE_HOST],
    ];
  }

  /** Subnets asked for by this server and not yet seen in the engine's list. */
  private readonly subnetsAsked = new Set<string>();

  /**
   * Creates the network with the first subnet of SESSION_SUBNETS that no
   * network has, nor a create under way. Two servers (or the engine's own
   * allocations) can still pick the same one: the engine refuses the second,
   * which then tries the next.
   */
  private async createInSessionSubnets(create: (subnet: string) => Promise<unknown>): Promise<void> {
    const range = this.opts.sessionSubnets;
    for (let attempt = 0; ; attempt++) {
      const networks = await this.docker.listNetworks();
      const taken = networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? ""));
      const subnet = freeSubnet(range, [...taken, ...this.subnetsAsked]);
      if (!subnet) throw new Error(`no session network is free in SESSION_SUBNETS=${range}: every subnet of it is in use`);
      this.subnetsAsked.add(subnet);
      try {
        return void (await create(subnet));
      } catch (e) {
        // 403 "Pool overlaps with other one on this address space": taken meanwhile.
        if (statusOf(e) !== 403 || attempt >= 5) throw e;
      } finally {
        this.subnetsAsked.delete(subnet);
      }
    }
  }

  async startNode(spec: NodeSpec, onProgress: (message: string) => void): Promise<StartedNode> {
    const { instance } = this.opts;
    const name = containerName(instance, spec.sessionId, spec.name);
    const labels = this.labels(spec.labels, { [LABEL.node]: spec.name, [LABEL.role]: "node" });
    const volume = volumeName(instance, spec.sessionId, spec.name);
    const host = await this.hostFacts();
    let disk: Record<string, string> | undefined;
    if (this.opts.nodeDiskBytes > 0) {
      onProgress("making the node's disk");
      const device = await this.disks.create(spec.sessionId, spec.name, this.opts.nodeDiskBytes, host.rootOwner);
      disk = { type: "ext4", device, o: DISK_MOUNT_OPTIONS };
    }
    const cgroupParent = host.holders ? await this.startHolder(spec, labels) : undefined;
    await this.docker.createVolume({ Name: volume, Labels: labels, ...(disk ? { Driver: "local", DriverOpts: disk } : {}) });
    // CgroupnsMode, MaskedPaths and ReadonlyPaths are in the Engine API (1.41) but not in dockerode's types.
    const hostConfig: Docker.HostConfig & { CgroupnsMode: "private"; MaskedPaths: string[]; ReadonlyPaths: string[] } = {
      // The smallest set that runs Docker inside: Docker's defaults plus
      // SYS_ADMIN (mounts, cgroups), NET_ADMIN (bridges, iptables) and
      // SYS_PTRACE (runc needs it to `docker exec` into a container whose
      // main process is not root, such as postgres or mysql).
      // Never --privileged: no SYS_MODULE, no SYS_RAWIO, no host devices.
      CapAdd: ["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE"],
      // Every system call but those that reach what the host shares (lib/docker/seccomp.ts).
      SecurityOpt: [`seccomp=${JSON.stringify(nodeSeccompProfile(host.cgroupVersion))}`, "apparmor=unconfined"],
      // What `--security-opt systempaths=unconfined` means: /proc and /sys
      // unmasked and writable, which the inner engine needs for its sysctls.
      MaskedPaths: [],
      ReadonlyPaths: [],
      CgroupnsMode: "private",
      Tmpfs: { "/run": "rw,nosuid,nodev,mode=755" },
      Mounts: [{ Type: "volume", Source: volume, Target: "/var/lib/docker" }],
      Memory: this.opts.nodeMemoryBytes,
      MemorySwap: this.opts.nodeMemoryBytes,
      NanoCpus: this.opts.nodeNanoCpus,
      PidsLimit: this.opts.nodePidsLimit,
      ...(cgroupParent ? { CgroupParent: cgroupParent } : {}),
      NetworkMode: networkName(instance, spec.sessionId),
      LogConfig: { Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } },
    };
    const hub = await this.hub.info();
    const container = await this.docker.createContainer({
      name,
      Image: this.opts.sandboxImage,
      Hostname: spec.name,
      Labels: labels,
      Env: [
        `PLAYGROUND_REGISTRY_MIRROR=${REGISTRY_MIRROR_URL}`,
        // The node's engine trusts the hub's certificate (sandbox/node/entrypoint.sh).
        ...(hub ? [`PLAYGROUND_HUB_CERT=${Buffer.from(hub.certificate).toString("base64")}`] : []),
        // In a user namespace, /proc/sys/net of the node's network namespace
        // (made by the host) is read-only, and the inner dockerd 26 cannot turn
        // IPv6 off on its containers' interfaces; this lets it go on without.
        ...(host.userns ? ["DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1"] : []),
      ],
      HostConfig: hostConfig,
      NetworkingConfig: {
        EndpointsConfig: { [networkName(instance, spec.sessionId)]: { Aliases: [spec.name] } },
      },
    });
    onProgress("starting the Docker engine inside the node");
    await container.start();
    await this.waitForReadyLine(container, spec.name);
    const info = await container.inspect();
    const ip = info.NetworkSettings.Networks[networkName(instance, spec.sessionId)]?.IPAddress;
    if (!ip) throw new NodeNotReadyError(spec.name, "it has no address on the session's network");
    return { ip };
  }

  private hostFacts(): Promise<HostFacts> {
    this.host ??= this.docker.info().then(
      (info: { CgroupVersion?: string; CgroupDriver?: string; SecurityOptions?: string[]; DockerRootDir?: string }) => {
        const cgroupVersion = info.CgroupVersion === "2" ? "2" : "1";
        const userns = (info.SecurityOptions ?? []).some((o) => o.split(",").includes("name=userns"));
        // A remapping engine keeps its data under <data root>/<uid>.<gid> of its root.
        const remapped = userns ? /\/(\d+)\.(\d+)$/.exec(info.DockerRootDir ?? "") : null;
        const rootOwner = remapped ? `${remapped[1]}:${remapped[2]}` : "0:0";
        // In a user namespace, the node's cgroup limit files belong to the host's
        // root (sandbox/engine-runc.sh hands over only the directory): no holder.
        return { cgroupVersion, userns, rootOwner, holders: !userns && cgroupVersion === "1" && info.CgroupDriver === "cgroupfs" };
      },
      (e: unknown) => {
        this.host = undefined;
        throw e;
      },
    );
    return this.host;
  }

  /**
   * Starts a node's limits holder; resolves to the cgroup the node must run in.
   *
   * A node holds CAP_SYS_ADMIN and sees its own cgroup as the root of its
   * cgroup namespace; on cgroup v1 nothing stops it from writing that cgroup's
   * limits (pids.max, memory.limit_in_bytes, cpu.cfs_quota_us). So each node
   * runs inside the cgroup of a tiny container with the same limits, which
   * the node cannot see: v1 limits apply to a cgroup's whole subtree. On
   * cgroup v2, a cgroup namespace is a delegation boundary and its root's
   * limits cannot be written from inside, so no holder is needed.
   */
  private async startHolder(spec: NodeSpec, nodeLabels: Record<string, string>): Promise<string> {
    const name = holderName(this.opts.instance, spec.sessionId, spec.name);
    await this.docker.getContainer(name).remove({ force: true }).catch(ignoreMissing);
    const holder = await this.docker.createContainer({
      name,
      Image: this.opts.sandboxImage,
      Entrypoint: ["/usr/bin/tini", "--", "sleep", "infinity"],
      Cmd: [],
      Labels: { ...nodeLabels, [LABEL.role]: "limits" },
      HostConfig: {
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        ReadonlyRootfs: true,
        NetworkMode: "none",
        CgroupParent: HOLDERS_CGROUP,
        Memory: this.opts.nodeMemoryBytes,
        MemorySwap: this.opts.nodeMemoryBytes,
        NanoCpus: this.opts.nodeNanoCpus,
        // The holder's own two processes (tini, sleep) count against it too.
        PidsLimit: this.opts.nodePidsLimit + 2,
        LogConfig: { Type: "none", Config: {} },
      },
    });
    await holder.start();
    return `${HOLDERS_CGROUP}/${holder.id}`;
  }

  async writeFile(sessionId: string, node: string, path: string, content: NodeJS.ReadableStream, size: number): Promise<void> {
    const container = this.docker.getContainer(containerName(this.opts.instance, sessionId, node));
    const pack = tar.pack();
    const done = new Promise<void>((resolve, reject) => {
      const entry = pack.entry({ name: posix.basename(path), size, mode: 0o644, mtime: new Date() }, (err) => {
        if (err) return reject(err);
        pack.finalize();
        resolve();
      });
      // pipeline() also sees a content that failed before this point (the client went away), and
      // ends the entry with its error: that ends the archive, which aborts the upload to the engine.
      pipeline(content, entry, (err) => err && reject(err));
    });
    // The archive is consumed by the engine while the content still streams in.
    const put = container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: posix.dirname(path) }).catch((e: unknown) => {
      if (statusOf(e) === 404) throw new PathNotFoundError(node, posix.dirname(path));
      if (notRunning(e)) throw new NodeNotReadyError(node, "it is not running any more");
      throw e;
    });
    await Promise.all([done, put]);
  }

  async readPath(sessionId: string, node: string, path: string): Promise<PathContent> {
    const container = this.docker.getContainer(containerName(this.opts.instance, sessionId, node));
    let stat: { name: string; size: number; mode: number };
    try {
      const head = (await container.infoArchive({ path })) as { headers: Record<string, string | undefined>; resume(): void };
      head.resume();
      stat = JSON.parse(Buffer.from(head.headers["x-docker-container-path-stat"] ?? "", "base64").toString("utf8"));
    } catch (e) {
      if (statusOf(e) === 404) throw new PathNotFoundError(node, path);
      if (notRunning(e)) throw new NodeNotReadyError(node, "it is not running any more");
      throw e;
    }
    const archive = (await container.getArchive({ path })) as NodeJS.ReadableStream;
    // Go's FileMode: bit 31 is "directory".
    if (Math.floor(stat.mode / 2 ** 31) % 2 === 1) return { kind: "folder", name: stat.name, stream: archive };
    // A file: its content is the archive's first entry.
    const extract = tar.extract();
    const content = new PassThrough();
    let first = true;
    extract.on("entry", (_header, stream, next) => {
      if (!first) {
        stream.resume();
        return next();
      }
      first = false;
      stream.pipe(content);
      stream.on("end", next);
    });
    extract.on("finish", () => content.end());
    extract.on("error", (e) => content.destroy(e));
    archive.pipe(extract);
    return { kind: "file", name: stat.name, size: stat.size, stream: content };
  }

  async removeNode(sessionId: string, node: string): Promise<void> {
    const { instance } = this.opts;
    await this.docker.getContainer(containerName(instance, sessionId, node)).remove({ force: true, v: true }).catch(ignoreMissing);
    // After the node: a holder's cgroup cannot go while the node's is inside it.
    await this.docker.getContainer(holderName(instance, sessionId, node)).remove({ force: true }).catch(ignoreMissing);
    await this.docker.getVolume(volumeName(instance, sessionId, node)).remove().catch(ignoreMissing);
    await this.disks.remove(sessionId, node);
  }

  stream(sessionId: string, node: string, cmd: string[], onData: (chunk: string) => void, onEnd: () => void): CommandStream {
    const container = this.docker.getContainer(containerName(this.opts.instance, sessionId, node));
    let stopped = false;
    let stream: NodeJS.ReadableStream & { destroy(): void } | undefined;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      onEnd();
    };
    void (async () => {
      const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
      const s = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream & { destroy(): void };
      stream = s;
      if (stopped) return s.destroy();
      const out = new PassThrough();
      out.setEncoding("utf8");
      out.on("data", onData);
      this.docker.modem.demuxStream(s, out, new PassThrough().resume());
      s.on("end", end);
      s.on("close", end);
      s.on("error", end);
    })().catch(end);
    return {
      stop: () => {
        stopped = true;
        stream?.destroy();
        end();
      },
    };
  }

  /**
   * Follows the node's output until the entrypoint says the inner engine
   * answers; `since` (seconds.nanoseconds) skips the output of earlier runs.
   */
  private async waitForReadyLine(container: Docker.Container, node: string, since?: string): Promise<void> {
    const stream = (await container.logs({ follow: true, stdout: true, stderr: true, ...(since ? { since } : {}) })) as NodeJS.ReadableStream & {
      destroy(): void;
    };
    const out = new PassThrough();
    this.docker.modem.demuxStream(stream, out, out);
    let seen = "";
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new NodeNotReadyError(node, `its Docker engine did not answer within ${this.opts.nodeReadyTimeoutMs} ms`)),
          this.opts.nodeReadyTimeoutMs,
        );
        out.on("data", (chunk: Buffer) => {
          seen = (seen + chunk.toString("utf8")).slice(-8192);
          if (seen.includes(READY_LINE)) {
            clearTimeout(timer);
            resolve();
          }
        });
        stream.on("end", () => {
          clearTimeout(timer);
          reject(new NodeNotReadyError(node, `it stopped while starting: ${seen.trim().split("\n").slice(-5).join(" / ")}`));
        });
        stream.on("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
    } finally {
      stream.destroy();
    }
  }

  watchNode(sessionId: string, node: string, onEvent: (event: NodeEvent) => void): NodeWatch {
    const container = this.docker.getContainer(containerName(this.opts.instance, sessionId, node));
    let stopped = false;
    let stream: (NodeJS.ReadableStream & { destroy(): void }) | undefined;
    let retry: NodeJS.Timeout | undefined;
    let failures = 0;
    const report = (event: NodeEvent) => {
      if (!stopped) onEvent(event);
    };
    // Tried again with a growing pause while the engine does not answer (it may be restarting).
    const later = () => {
      if (stopped) return;
      retry = setTimeout(() => void attach(), Math.min(30_000, 500 * 2 ** failures++));
      retry.unref();
    };
    // The log stream ended: the node stopped, or the connection to the engine broke.
    const ended = async () => {
      stream = undefined;
      if (stopped) return;
      let info: Docker.ContainerInspectInfo;
      try {
        info = await container.inspect();
      } catch (e) {
        if (statusOf(e) === 404) {
          stopped = true;
          return onEvent({ kind: "node_stopped", gone: true, detail: "the container is gone" });
        }
        return later();
      }
      if (info.State.Running) return later();
      const event: NodeEvent = {
        kind: "node_stopped",
        exitStatus: info.State.ExitCode,
        oomKilled: info.State.OOMKilled,
        detail: [info.State.Error, `finished at ${info.State.FinishedAt}`].filter(Boolean).join("; "),
      };
      report(event);
      stopped = true;
    };
    const attach = async () => {
      if (stopped) return;
      let s: NodeJS.ReadableStream & { destroy(): void };
      try {
        // tail 0: only what the node prints from now on.
        s = (await container.logs({ follow: true, stdout: true, stderr: true, tail: 0 })) as typeof s;
      } catch (e) {
        if (statusOf(e) === 404) return ended();
        return later();
      }
      if (stopped) return s.destroy();
      failures = 0;
      stream = s;
      const out = new PassThrough();
      out.setEncoding("utf8");
      this.docker.modem.demuxStream(s, out, out);
      let partial = "";
      let recent: string[] = [];
      out.on("data", (chunk: string) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        if (partial.length > 64 * 1024) partial = "";
        for (const raw of lines) {
          const line = raw.replace(/\r$/, "");
          const stop = STOPPED_LINE.exec(line);
          if (stop) {
            report({ kind: "engine_stopped", exitStatus: stop[1] === undefined ? undefined : Number(stop[1]), detail: recent.join("\n") });
            recent = [];
          } else if (line === READY_LINE) {
            report({ kind: "engine_ready" });
            recent = [];
          } else if (line === STARTING_LINE) {
            report({ kind: "engine_starting" });
          } else {
            recent.push(line.slice(0, 2000));
            if (recent.length > DETAIL_LINES) recent.shift();
          }
        }
      });
      let done = false;
      const end = () => {
        if (done) return;
        done = true;
        void ended();
      };
      s.on("end", end);
      s.on("close", end);
      s.on("error", end);
      // What the engine did before the stream began (a stop just after it was ready, or before adoption).
      void this.engineState(container, node).then((event) => event && report(event));
    };
    void attach();
    return {
      stop: () => {
        stopped = true;
        clearTimeout(retry);
        stream?.destroy();
      },
    };
  }

  /** The inner engine's state as the node's supervisor records it; undefined when unknown (an older node). */
  private async engineState(container: Docker.Container, node: string): Promise<NodeEvent | undefined> {
    const r = await this.execIn(container, node, ["playground-engine", "status"], { timeoutMs: 10_000 }).catch(() => undefined);
    if (r?.exitCode === 0) return { kind: "engine_ready" };
    if (r?.exitCode === 4) return { kind: "engine_starting" };
    if (r?.exitCode === 3) {
      const status = /exit status (\d+)/.exec(r.stdout)?.[1];
      return { kind: "engine_stopped", exitStatus: status === undefined ? undefined : Number(status), detail: r.stdout.trim() };
    }
    return undefined;
  }

  async restartEngine(sessionId: string, node: string): Promise<void> {
    const container = this.docker.getContainer(containerName(this.opts.instance, sessionId, node));
    const r = await this.execIn(container, node, ["playground-engine", "restart"], { timeoutMs: ENGINE_RESTART_TIMEOUT_MS });
    if (r.exitCode !== 0) {
      throw new Error(`playground-engine restart in ${node} exited with ${r.exitCode}: ${(r.stdout + r.stderr).trim().slice(-4000)}`);
    }
  }

  async restartNode(sessionId: string, node: string, onProgress: (message: string) => void): Promise<StartedNode> {
    const { instance } = this.opts;
    const container = this.docker.getContainer(containerName(instance, sessionId, node));
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (e) {
      if (statusOf(e) === 404) throw new NodeNotReadyError(node, "it is gone from the engine; remove it and add a new node");
      throw e;
    }
    if (!info.State.Running) {
      onProgress("starting the node again");
      // 304: someone started it meanwhile.
      await container.start().catch((e: unknown) => {
        if (statusOf(e) !== 304) throw e;
      });
      info = await container.inspect();
    }
    onProgress("starting the Docker engine inside the node");
    // Only this run's output: the earlier runs' PLAYGROUND_READY lines are still in the log.
    await this.waitForReadyLine(container, node, logTime(info.State.StartedAt));
    const ip = (await container.inspect()).NetworkSettings.Networks[networkName(instance, sessionId)]?.IPAddress;
    if (!ip) throw new NodeNotReadyError(node, "it has no address on the session's network");
    return { ip };
  }

  exec(sessionId: string, node: string, cmd: string[], opts: ExecOptions): Promise<ExecResult> {
    return this.execIn(this.docker.getContainer(containerName(this.opts.instance, sessionId, node)), node, cmd, opts);
  }

  /** Runs argv in a container; `node` names it in errors. */
  private async execIn(container: Docker.Container, node: string, cmd: string[], { timeoutMs }: ExecOptions): Promise<ExecResult> {
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    // The node is gone (removed with its execs, perhaps while this one ran), or not running.
    const gone = (e: unknown) => {
      if (notRunning(e)) throw new NodeNotReadyError(node, "it is not running any more");
      throw e;
    };
    // Docker has no way to kill an exec, so the command runs under timeout(1):
    // the node itself ends it, and its children, when time is up.
    const exec = await container
      .exec({
        Cmd: ["timeout", "--kill-after=2", String(seconds), ...cmd],
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        WorkingDir: "/root",
      })
      .catch(gone);
    const started = Date.now();
    const stream = await exec.start({ hijack: true, stdin: false }).catch(gone);
    const stdout = new Collector();
    const stderr = new Collector();
    this.docker.modem.demuxStream(stream, stdout, stderr);
    // A process that left timeout's process group (setsid) can hold the
    // output open for ever: stop waiting a little after the deadline.
    let deadlineHit = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        deadlineHit = true;
        stream.destroy();
        resolve();
      }, seconds * 1000 + 5000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      stream.on("end", done);
      stream.on("close", done);
      stream.on("error", (e) => {
        clearTimeout(timer);
        reject(engineError(e));
      });
    });
    const { ExitCode } = await exec.inspect().catch(gone);
    const exitCode = ExitCode ?? 124;
    const result: ExecResult = { exitCode, stdout: stdout.text(), stderr: stderr.text() };
    const overtime = Date.now() - started >= seconds * 1000 - 50;
    if (deadlineHit || ((exitCode === 124 || exitCode === 137) && overtime)) result.timedOut = true;
    if (stdout.truncated || stderr.truncated) result.truncated = true;
    return result;
  }

  async removeSession(sessionId: string): Promise<void> {
    const filters = this.filters(sessionId);
    const containers = await this.docker.listContainers({ all: true, filters });
    const remove = (list: typeof containers) =>
      Promise.all(list.map((c) => this.docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreMissing)));
    // Nodes before their limits holders, whose cgroups hold theirs.
    await remove(containers.filter((c) => c.Labels[LABEL.role] !== "limits"));
    await remove(containers.filter((c) => c.Labels[LABEL.role] === "limits"));
    const { Volumes } = await this.docker.listVolumes({ filters });
    await Promise.all((Volumes ?? []).map((v) => this.docker.getVolume(v.Name).remove().catch(ignoreMissing)));
    await this.disks.remove(sessionId, "*");
    const networks = await this.docker.listNetworks({ filters });
    for (const n of networks) {
      const network = this.docker.getNetwork(n.Id);
      for (const container of [this.opts.registryContainer, ...this.caches().map(([c]) => c)]) {
        await network.disconnect({ Container: container, Force: true }).catch(() => {});
      }
      await network.remove().catch(ignoreMissing);
    }
  }

  async listNodes(): Promise<FoundNode[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.instance}=${this.opts.instance}`, `${LABEL.role}=node`] },
    });
    return containers.map((c) => ({
      sessionId: c.Labels[LABEL.session] ?? "",
      name: c.Labels[LABEL.node] ?? "",
      expiresAt: new Date(c.Labels[LABEL.expiresAt] ?? 0),
      running: c.State === "running",
      pooled: c.Labels[LABEL.pooled] === "true",
      watchId: c.Labels[LABEL.watch],
      ip: Object.values(c.NetworkSettings?.Networks ?? {})[0]?.IPAddress || undefined,
    }));
  }

  async listOrphanSessions(): Promise<string[]> {
    const filters = this.filters();
    const [containers, networks, volumes, disks] = await Promise.all([
      this.docker.listContainers({ all: true, filters }),
      this.docker.listNetworks({ filters }),
      this.docker.listVolumes({ filters }),
      this.disks.sessions(),
    ]);
    // A limits holder alone does not keep a session alive.
    const live = new Set(containers.filter((c) => c.Labels[LABEL.role] !== "limits").map((c) => c.Labels[LABEL.session]));
    const owners = [
      ...containers.map((c) => c.Labels[LABEL.session]),
      ...networks.map((n) => n.Labels?.[LABEL.session]),
      ...(volumes.Volumes ?? []).map((v) => v.Labels?.[LABEL.session]),
      ...disks,
    ];
    return [...new Set(owners.filter((id): id is string => !!id && !live.has(id)))];
  }
}

/** An engine time (RFC 3339 with nanoseconds) as the logs API's `since`: seconds.nanoseconds. */
export function logTime(rfc3339: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`) / 1000;
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return `${seconds}.${(m[2] ?? "").padEnd(9, "0").slice(0, 9)}`;
}

/** Collects a stream's text up to MAX_EXEC_OUTPUT_BYTES. */
class Collector extends PassThrough {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor() {
    super();
    this.on("data", (chunk: Buffer) => {
      const room = MAX_EXEC_OUTPUT_BYTES - this.size;
      if (chunk.length > room) this.truncated = true;
      if (room > 0) {
        const kept = chunk.subarray(0, room);
        this.chunks.push(kept);
        this.size += kept.length;
      }
    });
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
