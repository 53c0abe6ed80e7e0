/**
 * What the Docker panel's API answers, shared by the route handlers and the
 * browser. Everything here describes a node's inner engine, never the host's.
 */

export interface PortView {
  privatePort: number;
  /** Absent when the port is exposed but not published. */
  publicPort?: number;
  type: string;
}

export interface ContainerView {
  id: string;
  /** Without the leading slash the engine puts in front. */
  name: string;
  image: string;
  /** The engine's state: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  /** For people: "Up 3 minutes", "Exited (0) 2 seconds ago". */
  status: string;
  ports: PortView[];
}

export interface ImageView {
  /** `sha256:...`: the panel's routes take this id, so names with `/` and `:` never travel in a path. */
  id: string;
  /** `nginx:latest`; empty for a dangling image. */
  tags: string[];
  /** Bytes. */
  size: number;
  /** ISO 8601. */
  created: string;
}

export interface VolumeView {
  name: string;
  driver: string;
}

export interface NetworkView {
  id: string;
  name: string;
  driver: string;
}

/** GET /api/sessions/:id/nodes/:node/docker */
export interface DockerSummary {
  containers: ContainerView[];
  images: ImageView[];
  volumes: VolumeView[];
  networks: NetworkView[];
}

/** The longest list of file names given per layer and per kind of change. */
export const MAX_FILES_PER_LIST = 500;

export interface LayerFiles {
  /** Files, symlinks and hard links that no lower layer had. Directories are left out. */
  added: string[];
  /** Paths a lower layer already had: this layer replaces them (content, mode or owner). */
  changed: string[];
  /** Deleted paths; `DIR/ (contents replaced)` for an opaque directory. */
  removed: string[];
  /** Some list stopped at MAX_FILES_PER_LIST names. */
  truncated: boolean;
}

export interface ImageLayer {
  /** The instruction that made the layer, as the image's history records it; may be empty. */
  createdBy: string;
  /** ISO 8601, when recorded. */
  created?: string;
  /** Bytes of file content in the layer, uncompressed; 0 for an empty layer. */
  size: number;
  /** A history entry with no filesystem change (ENV, CMD, ...): no size and no files. */
  emptyLayer: boolean;
  /** Absent for empty layers and for layers whose format cannot be read. */
  files?: LayerFiles;
}

/** GET /api/sessions/:id/nodes/:node/docker/images/:image/layers, base layer first. */
export interface ImageLayers {
  image: string;
  layers: ImageLayer[];
}
