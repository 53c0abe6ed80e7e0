/**
 * The sessions handed out, by their control id and by their watch id, and
 * what an id a person brings names: a session, with control or only watch
 * access, or nothing. Pooled sessions are not here (lib/sessions/pool.ts).
 */
import type { Access } from "../protocol";
import { EngineUnavailableError, NodeNotFoundError, SessionNotFoundError, WatchOnlyError } from "./errors";
import { isNodeName, isSessionId } from "./ids";
import type { NodeState, Session } from "./state";

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  /** Watch id to session id, for the sessions in `sessions`. */
  private readonly watchIds = new Map<string, string>();
  /**
   * Started, and what a previous server left is not known yet (the engine has
   * not answered): unknown ids may be sessions still to adopt. Set by the reaper.
   */
  adopting = false;

  constructor(private readonly now: () => number) {}

  register(session: Session): void {
    this.sessions.set(session.id, session);
    this.watchIds.set(session.watchId, session.id);
  }

  unregister(session: Session): void {
    this.sessions.delete(session.id);
    this.watchIds.delete(session.watchId);
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  values(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /** Sessions holding a seat: not ending, not expired, and not failed (every node failed). */
  get activeCount(): number {
    const now = this.now();
    return [...this.sessions.values()].filter((s) => {
      if (s.ending || s.expiresAt <= now) return false;
      const nodes = [...s.nodes.values()];
      return nodes.length === 0 || nodes.some((n) => n.status !== "failed");
    }).length;
  }

  resolve(id: string): { session: Session; access: Access } {
    if (!isSessionId(id)) throw new SessionNotFoundError();
    let session = this.sessions.get(id);
    let access: Access = "control";
    if (!session) {
      const owner = this.watchIds.get(id);
      session = owner ? this.sessions.get(owner) : undefined;
      access = "watch";
    }
    if (!session && this.adopting) {
      // A previous server's session may be on the engine, which has not answered yet: not "ended".
      throw new EngineUnavailableError("sessions not adopted yet");
    }
    if (!session || session.ending || session.expiresAt <= this.now()) throw new SessionNotFoundError();
    return { session, access };
  }

  /** The session, when the id may change it. */
  control(id: string): Session {
    const { session, access } = this.resolve(id);
    if (access !== "control") throw new WatchOnlyError();
    return session;
  }

  findNode(id: string, name: string): NodeState {
    const { session } = this.resolve(id);
    const node = isNodeName(name) ? session.nodes.get(name) : undefined;
    if (!node) throw new NodeNotFoundError(name);
    return node;
  }
}
