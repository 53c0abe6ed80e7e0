/**
 * The server's objects, made once by server.ts and found by the route
 * handlers. Next bundles route handlers separately from server.ts, so a
 * module-level variable would not be shared: globalThis is.
 */
import type Docker from "dockerode";
import type { Config } from "../config";
import type { Hub } from "../docker/hub";
import type { PortWatcher } from "../ports/watcher";
import type { SessionManager } from "../sessions/manager";
import type { RuntimeStatus, SandboxRuntime } from "../sessions/runtime";
import type { WorkshopCatalog } from "../workshops/catalog";
import type { Cohorts } from "../workshops/cohorts";
import type { WorkshopRuns } from "../workshops/runs";

export interface AppContext {
  config: Config;
  manager: SessionManager;
  runtime: SandboxRuntime;
  /** The runtime's status, reused for a moment (lib/server/engine-status.ts): what /api/health reports. */
  engineStatus: () => Promise<RuntimeStatus>;
  ports: PortWatcher;
  /** The inner engine of a ready node (its API on port 2375 of the session network). */
  nodeEngine: (id: string, node: string) => Promise<Docker>;
  workshops: { catalog: WorkshopCatalog; runs: WorkshopRuns; cohorts: Cohorts };
  /** The hub that learners push to (sandbox/registry/hub.mjs). */
  hub: Hub;
}

const KEY = Symbol.for("docker-playground.context");
type Holder = { [KEY]?: AppContext };

export function setContext(context: AppContext): void {
  (globalThis as Holder)[KEY] = context;
}

export function getContext(): AppContext {
  const context = (globalThis as Holder)[KEY];
  if (!context) throw new Error("the playground's server context is missing: start the app with server.ts");
  return context;
}

/** Header server.ts sets to the client's address; any value a client sends is replaced. */
export const CLIENT_ADDRESS_HEADER = "x-playground-client-address";

const ERROR_HOOK = Symbol.for("docker-playground.http-error-hook");
type HookHolder = { [ERROR_HOOK]?: (code: string) => void };

/** Registers what counts the API's error responses (server.ts passes the metrics' counter). */
export function setHttpErrorHook(hook: (code: string) => void): void {
  (globalThis as HookHolder)[ERROR_HOOK] = hook;
}

/** Counts one error response by its JSON code; nothing happens when no hook is registered (unit tests). */
export function countHttpError(code: string): void {
  (globalThis as HookHolder)[ERROR_HOOK]?.(code);
}
