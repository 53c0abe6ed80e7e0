/**
 * The playground's hub, as the server sees it: the gateway in the registry
 * container (sandbox/registry/hub.mjs), asked through `docker exec` on its
 * loopback-only admin listener, so it needs no address or secret of its own.
 */
import type Docker from "dockerode";
import { PassThrough } from "node:stream";

/** Names the hub answers to on session networks, besides the mirror's. */
export const HUB_HOST = "hub.playground";
/** Docker Hub's registry: offline, pushes and pulls of docker.io names reach the hub; online they reach Docker Hub. */
export const DOCKER_HUB_REGISTRY_HOST = "registry-1.docker.io";

export interface HubTag {
  tag: string;
  digest: string;
  size: number;
  pushedBy: string;
  pushedAt: string;
}

export interface HubListing {
  repositories: { name: string; tags: HubTag[] }[];
  /** The catalog's names, as learners type them (nginx, nicolaka/netshoot). */
  catalog: string[];
  accounts: number;
  /** Online mode: docker.io names are Docker Hub's, and the hub answers as hub.playground only. */
  online: boolean;
  usage: number;
  quota: { namespace: number; total: number };
}

export interface HubFacts {
  /** The certificate nodes trust for the hub's names (PEM). */
  certificate: string;
  /** Online mode (REGISTRY_UPSTREAM_URL at setup): Docker Hub is reachable and keeps its names. */
  online: boolean;
}

const LABEL = "playground.hub";
const GATEWAY = ["node", "/usr/lib/playground-hub/hub.mjs", "admin"];

export class Hub {
  private facts?: Promise<HubFacts | undefined>;
  private factsAt = 0;
  private known = false;
  /** One gateway call at a time: each is a process in the registry container, whose memory is capped (256 MB). */
  private queue: Promise<unknown> = Promise.resolve();
  /** The listing being fetched, shared by every request that asks meanwhile. */
  private listed?: Promise<HubListing | undefined>;

  constructor(
    private readonly docker: Docker,
    private readonly container: string,
  ) {}

  /**
   * The hub's certificate and mode, or undefined when the registry runs
   * without a hub or is not there. Kept once known; an
   * absent hub is asked again after 10 s.
   */
  info(): Promise<HubFacts | undefined> {
    if (this.facts && (Date.now() - this.factsAt < 10_000 || this.known)) return this.facts;
    this.factsAt = Date.now();
    this.facts = this.load().then(
      (facts) => {
        this.known = !!facts;
        return facts;
      },
      () => undefined,
    );
    return this.facts;
  }

  private async load(): Promise<HubFacts | undefined> {
    const info = await this.docker.getContainer(this.container).inspect();
    if (info.Config.Labels?.[LABEL] !== "on" || !info.State.Running) return undefined;
    const certificate = await this.admin("GET", "/certificate");
    const online = info.Config.Labels?.[`${LABEL}.online`] === "on";
    return certificate.includes("BEGIN CERTIFICATE") ? { certificate, online } : undefined;
  }

  /** What has been pushed, or undefined when there is no hub. Requests that come while it is fetched share the answer. */
  listing(): Promise<HubListing | undefined> {
    this.listed ??= (async () => {
      if (!(await this.info())) return undefined;
      return JSON.parse(await this.admin("GET", "/repositories")) as HubListing;
    })().finally(() => (this.listed = undefined));
    return this.listed;
  }

  /**
   * Deletes REPOSITORY:TAG for its owner, with the password of their
   * `docker login`; every tag of the same image goes with it. Resolves to the
   * tags deleted, or to the hub's refusal.
   */
  async remove(request: { name: string; password: string; repository: string; tag: string }): Promise<{ deleted: string[] } | { error: string; status: number }> {
    const answer = JSON.parse(await this.admin("POST", "/delete", request, true)) as { deleted?: string[]; error?: string; status?: number };
    return answer.deleted ? { deleted: answer.deleted } : { error: answer.error ?? "the hub refused", status: answer.status ?? 403 };
  }

  private admin(method: "GET" | "POST", path: string, body?: unknown, refusalsToo = false): Promise<string> {
    const call = this.queue.then(() => this.call(method, path, body, refusalsToo));
    this.queue = call.catch(() => {});
    return call;
  }

  private async call(method: "GET" | "POST", path: string, body: unknown, refusalsToo: boolean): Promise<string> {
    const exec = await this.docker.getContainer(this.container).exec({
      Cmd: [...GATEWAY, method, path, ...(body === undefined ? [] : [Buffer.from(JSON.stringify(body)).toString("base64")])],
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const stdout = new PassThrough().on("data", (c: Buffer) => out.push(c));
    const stderr = new PassThrough().on("data", (c: Buffer) => err.push(c));
    this.docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new Error("the hub's gateway did not answer within 10 s"));
      }, 10_000);
      stream.on("end", () => (clearTimeout(timer), resolve()));
      stream.on("error", (e) => (clearTimeout(timer), reject(e)));
    });
    const { ExitCode } = await exec.inspect();
    // 1: the gateway answered with an error status, whose body says why.
    if (ExitCode === 1 && refusalsToo) return Buffer.concat(out).toString("utf8");
    if (ExitCode !== 0) throw new Error(`the hub's gateway answered ${ExitCode}: ${Buffer.concat([...err, ...out]).toString("utf8").trim()}`);
    return Buffer.concat(out).toString("utf8");
  }
}
