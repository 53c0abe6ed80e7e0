/**
 * Errors of the playground's core. Each carries a stable code; the HTTP and
 * WebSocket edges map them to statuses and close codes, and show the message
 * to people, so messages say what went wrong and what to do.
 */
const BRAND = Symbol.for("docker-playground.error");

export class PlaygroundError extends Error {
  /** Set on every instance; see isPlaygroundError. */
  readonly [BRAND] = true;

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Seconds after which trying again may work, when known. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Next bundles the route handlers with their own copy of this module, so
 * `instanceof` fails across the server.ts / route boundary: check the brand.
 */
export function isPlaygroundError(e: unknown): e is PlaygroundError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** The session id is unknown: it never existed, expired or was ended. */
export class SessionNotFoundError extends PlaygroundError {
  constructor() {
    super("session_not_found", "This session does not exist or has ended. Start a new playground.", 404);
  }
}

export class NodeNotFoundError extends PlaygroundError {
  constructor(node: string) {
    super("node_not_found", `This session has no node called "${node}".`, 404);
  }
}

/** The node, or its whole session, was removed while something ran in it. */
export class NodeRemovedError extends PlaygroundError {
  constructor(node: string, during: string) {
    super("node_removed", `${node} was removed while ${during}.`, 410);
  }
}

/** The node exists but is not (yet, or any more) able to run commands. */
export class NodeNotReadyError extends PlaygroundError {
  constructor(node: string, why: string) {
    super("node_not_ready", `${node} is not ready: ${why}`, 409);
  }
}

/** Every seat is taken: MAX_SESSIONS sessions are running. */
export class CapacityError extends PlaygroundError {
  constructor(message: string) {
    super("playground_full", message, 503);
  }
}

/** This client created too many sessions recently. */
export class RateLimitError extends PlaygroundError {
  constructor(retryAfterS: number) {
    super("rate_limited", `Too many new sessions from your address. Try again in ${retryAfterS} s.`, 429, retryAfterS);
  }
}

/** The Docker engine does not answer, or answers with an error. */
export class EngineUnavailableError extends PlaygroundError {
  /** `detail` (socket paths, addresses) is for the log, not for people. */
  constructor(readonly detail: string) {
    super("engine_unavailable", "The Docker engine is not reachable. The operator should check that dockerd is running.", 503);
  }
}

/** The sandbox image or the registry is missing on the engine. */
export class ImagesMissingError extends PlaygroundError {
  constructor(what: string) {
    super("images_missing", `${what}. The operator should run: npm run setup`, 503);
  }
}

/** NODE_ISOLATION=userns, but the engine does not remap user namespaces: no node may start on it. */
export class IsolationUnavailableError extends PlaygroundError {
  constructor(why: string) {
    super("isolation_unavailable", `Nodes cannot be isolated from the host: ${why}`, 503);
  }
}

export class BadRequestError extends PlaygroundError {
  constructor(message: string) {
    super("bad_request", message, 400);
  }
}

/** A watch-only link tried to change something. */
export class WatchOnlyError extends PlaygroundError {
  constructor() {
    super("watch_only", "This link is watch-only: it can look but not change anything.", 403);
  }
}

/** The request is valid but the session's state forbids it now (limits, a node in the way). */
export class ConflictError extends PlaygroundError {
  constructor(code: string, message: string) {
    super(code, message, 409);
  }
}

export class PathNotFoundError extends PlaygroundError {
  constructor(node: string, path: string) {
    super("path_not_found", `There is no file or folder at ${path} in ${node}.`, 404);
  }
}

export class TooLargeError extends PlaygroundError {
  constructor(message: string) {
    super("too_large", message, 413);
  }
}

/** A file the editor cannot show as text: it has NUL bytes or is not UTF-8. */
export class BinaryFileError extends PlaygroundError {
  constructor(path: string) {
    super("binary_file", `${path} is not a text file, so it cannot be edited here. Download it instead.`, 415);
  }
}

/** A file too large for the editor (the upload limit is separate). */
export class FileTooLargeError extends PlaygroundError {
  constructor(path: string, maxBytes: number) {
    super(
      "file_too_large",
      `${path} is larger than ${Math.round(maxBytes / 1024)} KiB, so it cannot be edited here. Download it instead.`,
      413,
    );
  }
}

/**
 * A save based on an older version: the file was changed (or removed) in the
 * node since it was opened. `current` is its version now, null when it is gone.
 */
export class FileChangedError extends PlaygroundError {
  constructor(
    path: string,
    readonly current: string | null,
  ) {
    super(
      "file_changed",
      `${path} changed in the node since it was opened${current === null ? " (it was removed)" : ""}. Reload it, or save again to overwrite.`,
      409,
    );
  }
}
