import { setTimeout as delay } from "node:timers/promises";
import { json, handle, methodNotAllowed, readBody } from "@/lib/http/respond";
import { createSessionBody, type SessionView } from "@/lib/protocol";
import { CLIENT_ADDRESS_HEADER, getContext } from "@/lib/server/context";
import { log } from "@/lib/server/log";
import { WorkshopNotFoundError } from "@/lib/workshops/errors";

export const dynamic = "force-dynamic";

/** A class's joins: the lesson's files and setup go into the node this long (up to twice) after the join. */
const JOIN_SETUP_AFTER_MS = 2000;

/**
 * Starts a session; with `workshop`, one following that lesson (with the
 * nodes it needs); with `cohort`, one seat of an instructor's class. Joins of
 * a class count against its seats instead of the per-address limit, since a
 * whole classroom often shares one address.
 */
export const POST = handle(async (req: Request) => {
  const body = await readBody(req, createSessionBody, true);
  const { manager, workshops } = getContext();
  const cohort = body.cohort ? await workshops.cohorts.checkSeat(body.cohort) : undefined;
  const slug = cohort?.workshop ?? body.workshop;
  const workshop = slug ? await workshops.catalog.get(slug) : undefined;
  if (slug && !workshop) throw new WorkshopNotFoundError(slug);

  const client = req.headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
  const created = await manager.create(cohort ? undefined : client);
  let session: SessionView = created;
  if (workshop) {
    for (let n = created.nodes.length; n < workshop.nodes; n++) manager.addNode(created.id);
    session = manager.get(created.id);
    const name = body.name;
    if (cohort) {
      // The last seat may have gone since the check above: then this session is not kept.
      await workshops.cohorts
        .join(cohort.code, { sessionId: created.id, watchId: manager.watchIdOf(created.id), name: name ?? "Guest" })
        .catch(async (e: unknown) => {
          await manager.delete(created.id);
          throw e;
        });
    }
    // A class joining at once: 30 lessons' files and setups would hold back the 30 answers and
    // prompts (about 2 s); they are put in a few seconds later, spread out.
    const later = cohort ? delay(JOIN_SETUP_AFTER_MS * (1 + Math.random()), undefined, { ref: false }) : undefined;
    void workshops.runs
      .attach(created.id, workshop, { cohort: cohort?.code, name }, later)
      .catch((e) => log("workshop_attach_failed", { sessionId: created.id, workshop: workshop.slug, error: String(e) }));
  }
  return json<SessionView>(session, 201, { location: `/api/sessions/${session.id}` });
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
