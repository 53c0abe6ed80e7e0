import { json, handle, methodNotAllowed } from "@/lib/http/respond";
import type { HealthView } from "@/lib/protocol";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** 200 when sessions can start, 503 otherwise; the body says what is wrong. */
export const GET = handle(async () => {
  const { engineStatus, manager } = getContext();
  const status = await engineStatus();
  const isolation = status.isolation ?? { mode: getContext().config.node.isolation, ok: false };
  const ok = status.engine.reachable && status.sandboxImage && status.registryRunning && isolation.ok;
  const body: HealthView = {
    ok,
    // The engine's own error can name host paths: it goes to the log, not to the public.
    engine: { reachable: status.engine.reachable, version: status.engine.version },
    images: {
      sandbox: status.sandboxImage,
      registry: status.registryRunning,
      ...(status.npmCacheRunning === undefined ? {} : { npmCache: status.npmCacheRunning }),
      ...(status.aptCacheRunning === undefined ? {} : { aptCache: status.aptCacheRunning }),
      ...(status.engine.reachable && !ok ? { message: "Images are missing: the operator should run npm run setup" } : {}),
    },
    // What keeps nodes from the host: see the README's Security section.
    isolation: { mode: isolation.mode, ok: isolation.ok, ...(status.engine.reachable && !isolation.ok ? { message: isolation.message } : {}) },
    sessions: { active: manager.activeCount, max: manager.maxSessions },
    capacity: manager.capacity,
    pool: manager.poolView,
  };
  return json(body, ok ? 200 : 503);
});

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
