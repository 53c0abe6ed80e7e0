/**
 * How the Docker panel's routes reach a node's inner engine, and who may
 * change things there; both rest on the server's context.
 */
import type Docker from "dockerode";
import { getContext } from "./context";

/** A dockerode client of the node's inner engine. Throws the core's errors for unknown or unready sessions and nodes. */
export function nodeEngineOf(id: string, node: string): Promise<Docker> {
  return getContext().nodeEngine(id, node);
}

/** Throws unless `id` is the session's control id (403 watch_only). Every route that changes something calls it first. */
export function requireControl(id: string): void {
  getContext().manager.requireControl(id);
}
