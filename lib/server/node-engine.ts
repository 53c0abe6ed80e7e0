/**
 * How the Docker panel's routes reach a node's inner engine, and who may
 * change things there. Both rest on the server's context; these helpers keep
 * the panel's dependence on it in one place.
 */
import type Docker from "dockerode";
import type { Access } from "../protocol";
import { PlaygroundError } from "../sessions/errors";
import { getContext } from "./context";

/** The link used is a watch link: it may look, not act. */
export class WatchOnlyError extends PlaygroundError {
  constructor() {
    super("watch_only", "This link is watch-only: it can look but not change anything.", 403);
  }
}

/** This server was started without a way to reach nodes' engines. */
export class NodeEngineMissingError extends PlaygroundError {
  constructor() {
    super("docker_panel_unavailable", "This server cannot reach the nodes' Docker engines, so the Docker panel is unavailable.", 501);
  }
}

/** A dockerode client of the node's inner engine. Throws the core's errors for unknown or unready sessions and nodes. */
export async function nodeEngineOf(sessionId: string, node: string): Promise<Docker> {
  const { nodeEngine } = getContext();
  if (!nodeEngine) throw new NodeEngineMissingError();
  return nodeEngine(sessionId, node);
}

/** Throws WatchOnlyError unless `id` is the session's control id. Every route that changes something calls it first. */
export function requireControl(id: string): void {
  // `access` comes with watch links; a manager without it only knows control ids.
  const manager = getContext().manager as { access?: (id: string) => Access };
  if (manager.access?.(id) === "watch") throw new WatchOnlyError();
}
