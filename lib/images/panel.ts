/**
 * The Docker panel's operations on a node's inner engine, over dockerode.
 * Ids and names arrive checked (refs.ts); engine failures leave here as
 * PlaygroundErrors that carry the engine's own message, so a learner reads
 * "image is being used by running container ..." rather than a server error.
 */
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { log } from "../server/log";
import { PlaygroundError, isPlaygroundError } from "../sessions/errors";
import { ImageTooLargeError } from "./errors";
import { readLayers } from "./layers";
import { LogCollector } from "./logs";
import type { ContainerAction } from "./refs";
import type { ContainerView, DockerSummary, ImageLayers, PortView } from "./types";

/** How long a quick engine call (list, inspect, remove) may take. */
const CALL_TIMEOUT_MS = 15_000;
/** Seconds a container gets to stop before it is killed, as `docker stop` does. */
const STOP_GRACE_S = 10;
/** Stop and restart wait for the grace period; allow for it. */
const LIFECYCLE_TIMEOUT_MS = (STOP_GRACE_S + 20) * 1000;
/** Images larger than this are not read for their layers. */
export const MAX_LAYERS_IMAGE_BYTES = 2 * 2 ** 30;
/** Most log output returned, newest kept. */
const MAX_LOG_BYTES = 2 * 2 ** 20;

const deadline = (ms: number, signal?: AbortSignal) =>
  signal ? AbortSignal.any([signal, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms);

/** The engine's answer to a failed request, as dockerode passes it on. */
interface EngineFailure {
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
  name?: string;
}

/** Turns a failure of the node's engine into an error for people, with a fitting status. */
export function engineError(err: unknown): PlaygroundError {
  if (isPlaygroundError(err)) return err;
  const e = (err ?? {}) as EngineFailure;
  if (e.name === "TimeoutError" || e.name === "AbortError") {
    return new PlaygroundError("node_engine_timeout", "The node's Docker engine took too long to answer. Try again.", 504);
  }
  if (typeof e.statusCode !== "number") {
    log("node_engine_error", { error: String(e.message ?? err) });
    return new PlaygroundError("node_engine_unreachable", "The node's Docker engine did not answer. Is the node still running?", 502);
  }
  const message = engineMessage(e);
  switch (e.statusCode) {
    case 400:
      return new PlaygroundError("docker_bad_request", message, 400);
    case 404:
      return new PlaygroundError("docker_not_found", message, 404);
    // 403: the engine refuses, e.g. removing the predefined "bridge" network.
    case 403:
    case 409:
      return new PlaygroundError("docker_conflict", message, 409);
    default:
      return new PlaygroundError("docker_error", message, 502);
  }
}

function engineMessage(e: EngineFailure): string {
  const text = e.json?.message ?? e.message?.replace(/^\(HTTP code \d+\)[^-]*- /, "").trim() ?? "";
  return text.trim() || `The node's Docker engine answered ${e.statusCode}.`;
}

async function engine<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw engineError(err);
  }
}

/** 304 means "already started" or "already stopped": what was asked for is true. */
const alreadyDone = (err: unknown) => (err as EngineFailure)?.statusCode === 304;

// ------------------------------------------------------------ listing

function portsOf(ports: Docker.Port[]): PortView[] {
  // The engine lists a published port once per address family (0.0.0.0 and ::).
  const seen = new Map<string, PortView>();
  for (const p of ports) {
    const view: PortView = { privatePort: p.PrivatePort, type: p.Type };
    if (p.PublicPort) view.publicPort = p.PublicPort;
    seen.set(`${view.privatePort}/${view.type}/${view.publicPort ?? ""}`, view);
  }
  return [...seen.values()].sort((a, b) => a.privatePort - b.privatePort || (a.publicPort ?? 0) - (b.publicPort ?? 0));
}

function containerOf(c: Docker.ContainerInfo): ContainerView {
  return {
    id: c.Id,
    name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ""),
    image: c.Image,
    state: c.State,
    status: c.Status,
    ports: portsOf(c.Ports ?? []),
  };
}

export async function summary(docker: Docker, signal?: AbortSignal): Promise<DockerSummary> {
  const abortSignal = deadline(CALL_TIMEOUT_MS, signal);
  const [containers, images, volumes, networks] = await engine(() =>
    Promise.all([
      docker.listContainers({ all: true, abortSignal }),
      docker.listImages({ abortSignal }),
      docker.listVolumes({ abortSignal }),
      docker.listNetworks({ abortSignal }),
    ]),
  );
  return {
    containers: containers.map(containerOf),
    images: images
      .map((i) => ({
        id: i.Id,
        tags: (i.RepoTags ?? []).filter((t) => t !== "<none>:<none>"),
        size: i.Size,
        created: new Date(i.Created * 1000).toISOString(),
      }))
      .sort((a, b) => b.created.localeCompare(a.created)),
    volumes: (volumes.Volumes ?? []).map((v) => ({ name: v.Name, driver: v.Driver })).sort((a, b) => a.name.localeCompare(b.name)),
    networks: networks.map((n) => ({ id: n.Id, name: n.Name, driver: n.Driver })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

// ------------------------------------------------------------ containers

export async function containerLifecycle(docker: Docker, ref: string, action: ContainerAction): Promise<void> {
  const container = docker.getContainer(ref);
  const abortSignal = deadline(LIFECYCLE_TIMEOUT_MS);
  try {
    if (action === "start") await container.start({ abortSignal });
    else if (action === "stop") await container.stop({ t: STOP_GRACE_S, abortSignal });
    else await container.restart({ t: STOP_GRACE_S, abortSignal });
  } catch (err) {
    if (alreadyDone(err)) return;
    throw engineError(err);
  }
}

export async function removeContainer(docker: Docker, ref: string): Promise<void> {
  await engine(() => docker.getContainer(ref).remove({ force: true, abortSignal: deadline(LIFECYCLE_TIMEOUT_MS) }));
}

/** The last `tail` lines of a container's output, stdout and stderr interleaved, without timestamps. */
export async function containerLogs(docker: Docker, ref: string, tail: number, signal?: AbortSignal): Promise<string> {
  const abortSignal = deadline(CALL_TIMEOUT_MS, signal);
  const info = await engine(() => docker.getContainer(ref).inspect({ abortSignal }));
  // dockerode's logs() without `follow` parses the body as JSON when it can, which would
  // change a TTY container's output; asking the modem for a stream gives the bytes as sent.
  const stream = await engine(
    () =>
      new Promise<Readable>((resolve, reject) => {
        docker.modem.dial(
          {
            path: `/containers/${encodeURIComponent(info.Id)}/logs?`,
            method: "GET",
            isStream: true,
            abortSignal,
            statusCodes: { 200: true, 404: "no such container", 500: "server error" },
            options: { stdout: true, stderr: true, follow: false, timestamps: false, tail },
          },
          (err, data) => (err ? reject(err) : resolve(data as Readable)),
        );
      }),
  );
  const logs = new LogCollector(!info.Config.Tty, MAX_LOG_BYTES);
  try {
    for await (const chunk of stream) logs.push(chunk as Buffer);
  } catch (err) {
    throw engineError(err);
  }
  return logs.text();
}

// ------------------------------------------------------------ images, volumes, networks

export async function removeImage(docker: Docker, id: string): Promise<void> {
  // No force: an image in use, or tagged several times, stays, and the engine says why.
  await engine(() => docker.getImage(id).remove({ abortSignal: deadline(CALL_TIMEOUT_MS) }));
}

export async function removeVolume(docker: Docker, name: string): Promise<void> {
  await engine(() => docker.getVolume(name).remove({ abortSignal: deadline(CALL_TIMEOUT_MS) }));
}

export async function removeNetwork(docker: Docker, ref: string): Promise<void> {
  await engine(() => docker.getNetwork(ref).remove({ abortSignal: deadline(CALL_TIMEOUT_MS) }));
}

/** Streams `docker save` of one image through layers.ts; nothing is written to disk. */
export async function imageLayers(docker: Docker, id: string, signal?: AbortSignal): Promise<ImageLayers> {
  const image = docker.getImage(id);
  const info = await engine(() => image.inspect()); // dockerode takes no abort signal here
  if (info.Size > MAX_LAYERS_IMAGE_BYTES) throw new ImageTooLargeError(MAX_LAYERS_IMAGE_BYTES);
  const archive = (await engine(() => image.get())) as Readable;
  try {
    // The archive repeats the image's bytes plus headers: allow a little more than the size limit.
    const layers = await readLayers(archive, { maxArchiveBytes: MAX_LAYERS_IMAGE_BYTES + 64 * 2 ** 20, signal });
    return { image: info.Id, layers };
  } catch (err) {
    archive.destroy();
    throw engineError(err);
  }
}
