/**
 * Names and labels of the playground's resources on the engine. Every
 * resource carries the instance and session labels: teardown and adoption
 * find resources by label, never by remembering them.
 */
export const LABEL = {
  instance: "playground.instance",
  session: "playground.session",
  node: "playground.node",
  role: "playground.role",
  expiresAt: "playground.expires-at",
  pooled: "playground.pooled",
  watch: "playground.watch",
} as const;

/** The name the registry answers to on every session network. */
export const REGISTRY_ALIAS = "playground-registry";
export const REGISTRY_MIRROR_URL = `http://${REGISTRY_ALIAS}:5000`;
/** The npm cache's name on session networks; the catalog's Node.js images send npm and yarn to it. */
export const NPM_CACHE_HOST = "npm.playground";
/** The apt cache (sandbox/apt-cache) on session networks: apt in the catalog's images uses it where this resolves. */
export const APT_CACHE_HOST = "apt.playground";

export const networkName = (instance: string, sessionId: string) => `playground-${instance}-${sessionId}`;
export const containerName = (instance: string, sessionId: string, node: string) =>
  `playground-${instance}-${sessionId}-${node}`;
export const volumeName = (instance: string, sessionId: string, node: string) =>
  `${containerName(instance, sessionId, node)}-docker`;
/** A node's limits holder: the container whose cgroup the node runs in (lib/docker/runtime.ts). */
export const holderName = (instance: string, sessionId: string, node: string) => `${containerName(instance, sessionId, node)}-limits`;
/** The instance's disk keeper (lib/docker/disks.ts): its container, and the volume holding the disk images. */
export const disksName = (instance: string) => `playground-${instance}-disks`;
/** A node's disk image in the keeper's volume; session ids have no "-", so `<session>-*` is all of a session's. */
export const diskName = (sessionId: string, node: string) => `${sessionId}-${node}`;

/**
 * The host interface of a session's network: pg- and 12 characters of the
 * session id (interface names have at most 15). The firewall matches pg-+.
 */
export const bridgeName = (sessionId: string) => `pg-${sessionId.slice(0, 12)}`;
