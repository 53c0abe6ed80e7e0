/** The workshop a session follows, for the routes under /api/sessions/:id/workshop. */
import { NoWorkshopError, StepNotFoundError } from "../workshops/errors";
import type { RunView, Workshop } from "../workshops/types";
import { getContext } from "./context";

export async function workshopOf(id: string): Promise<{ sessionId: string; run: RunView; workshop: Workshop }> {
  const { manager, workshops } = getContext();
  const { sessionId } = manager.sessionOf(id);
  const run = await workshops.runs.get(sessionId);
  if (!run) throw new NoWorkshopError();
  const workshop = await workshops.catalog.get(run.workshop);
  if (!workshop) throw new NoWorkshopError();
  return { sessionId, run, workshop };
}

/** A step number from the path: 0 (the introduction) to the last step. */
export function stepNumber(raw: string, workshop: Workshop): number {
  const n = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 0 && n <= workshop.steps.length)) {
    throw new StepNotFoundError(`There is no step "${raw}": this workshop has steps 1 to ${workshop.steps.length} (0 is the introduction).`);
  }
  return n;
}
