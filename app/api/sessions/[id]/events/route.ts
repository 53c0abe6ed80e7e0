/**
 * GET /api/sessions/:id/events: the session's view (the body of GET
 * /api/sessions/:id) as server-sent events, at once and on every change, and
 * `event: gone` when the session ends. Changes the core announces (a node
 * ready, failed, stopped or removed, someone joining or leaving, an
 * extension) go out as they happen; the rest (a starting node's progress
 * message) within a second.
 */
import { eventStream } from "@/lib/http/event-stream";
import { handle, methodNotAllowed } from "@/lib/http/respond";
import { getContext } from "@/lib/server/context";
import { pageView } from "@/lib/server/session-view";
import { SessionNotFoundError } from "@/lib/sessions/errors";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

const ANNOUNCED = ["nodeReady", "nodeFailed", "nodeStopped", "nodeRemoved", "changed", "ended", "removed"] as const;

export const GET = handle(async (req: Request, { params }: Params) => {
  const { id } = await params;
  const { manager } = getContext();
  // An unknown id is a JSON 404 like every route's, before any stream starts.
  const { sessionId } = manager.sessionOf(id);
  return eventStream(req, {
    read: async () => {
      try {
        const view = JSON.stringify(pageView(req, id));
        manager.touch(id); // an open page is someone using it
        return view;
      } catch (e) {
        if (e instanceof SessionNotFoundError) return null;
        throw e;
      }
    },
    subscribe: (notify) => {
      const onEvent = (changed: string) => {
        if (changed === sessionId) notify();
      };
      for (const name of ANNOUNCED) manager.on(name, onEvent);
      return () => {
        for (const name of ANNOUNCED) manager.off(name, onEvent);
      };
    },
  });
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
