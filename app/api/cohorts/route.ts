import { z } from "zod";
import { json, handle, methodNotAllowed, readBody } from "@/lib/http/respond";
import { getContext } from "@/lib/server/context";
import { WorkshopNotFoundError } from "@/lib/workshops/errors";

export const dynamic = "force-dynamic";

const body = z
  .object({
    workshop: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "a workshop's slug (see GET /api/workshops)"),
    title: z.string().trim().min(1).max(80).optional(),
    seats: z.number().int().min(1).max(200).optional(),
  })
  .strict();

export interface CreatedCohort {
  id: string;
  code: string;
  title: string;
  workshop: string;
  seats: number;
  expiresAt: string;
  /** Give this to the class. */
  joinPath: string;
  /** Keep this: it shows every attendee's progress and terminal. */
  dashboardPath: string;
}

/** An instructor opens a class for one workshop. */
export const POST = handle(async (req: Request) => {
  const input = await readBody(req, body);
  const { config, workshops } = getContext();
  const workshop = await workshops.catalog.get(input.workshop);
  if (!workshop) throw new WorkshopNotFoundError(input.workshop);
  const c = await workshops.cohorts.create({ workshop: workshop.slug, title: input.title ?? workshop.title, seats: input.seats ?? config.cohortSeats });
  return json<CreatedCohort>(
    { id: c.id, code: c.code, title: c.title, workshop: c.workshop, seats: c.seats, expiresAt: c.expiresAt, joinPath: `/join/${c.code}`, dashboardPath: `/cohorts/${c.id}` },
    201,
  );
});

const notAllowed = methodNotAllowed("POST");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
