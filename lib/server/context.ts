/**
 * The server's objects, made once by server.ts and found by the route
 * handlers. Next bundles route handlers separately from server.ts, so a
 * module-level variable would not be shared: globalThis is.
 */
import type { Config } from "../config";
import type { SessionManager } from "../sessions/manager";
import type { SandboxRuntime } from "../sessions/runtime";

export interface AppContext {
  config: Config;
  manager: SessionManager;
  runtime: SandboxRuntime;
  /** A client of a node's inner engine; checks that the session and node exist and are ready. */
  nodeEngine?: (sessionId: string, node: string) => Promise<import("dockerode")>;
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
