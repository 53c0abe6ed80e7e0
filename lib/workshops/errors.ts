/** Errors of workshops and cohorts, with the codes and statuses the API answers with. */
import { PlaygroundError } from "../sessions/errors";

export class WorkshopNotFoundError extends PlaygroundError {
  constructor(slug: string) {
    super("workshop_not_found", `There is no workshop called "${slug}". The list is at /workshops.`, 404);
  }
}

export class NoWorkshopError extends PlaygroundError {
  constructor() {
    super("no_workshop", "This session does not follow a workshop.", 404);
  }
}

export class StepNotFoundError extends PlaygroundError {
  constructor(message: string) {
    super("step_not_found", message, 404);
  }
}

/** A lesson's setup script failed: the author's problem, shown to the learner as it is. */
export class SetupFailedError extends PlaygroundError {
  constructor(message: string) {
    super("setup_failed", message, 500);
  }
}

export class CohortNotFoundError extends PlaygroundError {
  constructor() {
    super("cohort_not_found", "This class link is unknown or has ended. Ask your instructor for the current one.", 404);
  }
}

export class CohortFullError extends PlaygroundError {
  constructor(seats: number) {
    super("cohort_full", `This class has all its ${seats} seats taken. Ask your instructor to make room.`, 409);
  }
}

export class TooManyCohortsError extends PlaygroundError {
  constructor(max: number) {
    super("too_many_cohorts", `This server already has ${max} classes open; one ends a day after it was made.`, 503);
  }
}
