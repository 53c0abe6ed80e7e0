/**
 * Cohorts: an instructor's class. The instructor keeps the cohort's secret
 * id (their dashboard's link) and hands out its join code; everyone who
 * opens the join link gets their own session, recorded here so that the
 * dashboard can list them. Cohorts are saved through `CohortStore` (a JSON
 * file), so a restarted server keeps its classes.
 */
import { isSessionId, newSessionId } from "../sessions/ids";
import { CohortFullError, CohortNotFoundError, TooManyCohortsError } from "./errors";

export interface Attendee {
  sessionId: string;
  watchId: string;
  name: string;
  joinedAt: string;
}

export interface Cohort {
  /** Secret: whoever has it sees every attendee's progress and terminal. */
  id: string;
  /** Public: the join link's code. */
  code: string;
  workshop: string;
  title: string;
  seats: number;
  createdAt: string;
  expiresAt: string;
  attendees: Attendee[];
}

export interface CohortStore {
  load(): Promise<Cohort[]>;
  save(cohorts: Cohort[]): Promise<void>;
}

/** A class lasts a day; its sessions end on their own schedule. */
export const COHORT_LIFETIME_MS = 24 * 3600_000;
export const MAX_SEATS = 200;
/** Classes open at once on one server. */
export const MAX_COHORTS = 100;

export class Cohorts {
  private cohorts?: Cohort[];
  private writing: Promise<void> = Promise.resolve();
  /** The save that has not started yet, which every change until then waits for. */
  private next?: Promise<void>;

  /**
   * `warmForMs`: how long after a class is made its free seats are kept
   * started ahead (0: never); `onSeats` hears how many seats that is, in all
   * classes, whenever it may have changed.
   */
  constructor(
    private readonly store: CohortStore,
    private readonly now: () => number = Date.now,
    private readonly warm: { forMs: number; onSeats: (seats: number) => void } = { forMs: 0, onSeats: () => {} },
  ) {}

  /** Free seats of classes made within the warm window: joins that may come soon. */
  async seatsToWarm(): Promise<number> {
    const now = this.now();
    return (await this.all())
      .filter((c) => now - Date.parse(c.createdAt) < this.warm.forMs)
      .reduce((n, c) => n + Math.max(0, c.seats - c.attendees.length), 0);
  }

  /** Tells `onSeats` the current figure (after a change, and now and then as windows close). */
  async rewarm(): Promise<void> {
    this.warm.onSeats(await this.seatsToWarm());
  }

  private async all(): Promise<Cohort[]> {
    this.cohorts ??= await this.store.load().catch(() => []);
    const now = this.now();
    this.cohorts = this.cohorts.filter((c) => Date.parse(c.expiresAt) > now);
    return this.cohorts;
  }

  /**
   * Saves the classes as they are now. Changes made while a save runs share
   * the next one: a class of 30 joining at once makes two saves, not 30 in a row.
   */
  private persist(): Promise<void> {
    this.next ??= this.writing
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        return this.store.save(JSON.parse(JSON.stringify(this.cohorts ?? [])) as Cohort[]);
      });
    this.writing = this.next;
    return this.next;
  }

  async create(input: { workshop: string; title: string; seats: number }): Promise<Cohort> {
    const all = await this.all();
    if (all.length >= MAX_COHORTS) throw new TooManyCohortsError(MAX_COHORTS);
    const created = this.now();
    const cohort: Cohort = {
      id: newSessionId(),
      code: newSessionId().slice(0, 10),
      workshop: input.workshop,
      title: input.title,
      seats: Math.min(MAX_SEATS, input.seats),
      createdAt: new Date(created).toISOString(),
      expiresAt: new Date(created + COHORT_LIFETIME_MS).toISOString(),
      attendees: [],
    };
    all.push(cohort);
    await this.persist();
    await this.rewarm();
    return cohort;
  }

  /** The instructor's view; throws when unknown or ended. */
  async byId(id: string): Promise<Cohort> {
    const found = isSessionId(id) ? (await this.all()).find((c) => c.id === id) : undefined;
    if (!found) throw new CohortNotFoundError();
    return found;
  }

  async byCode(code: string): Promise<Cohort> {
    const found = /^[a-z0-9]{10}$/.test(code) ? (await this.all()).find((c) => c.code === code) : undefined;
    if (!found) throw new CohortNotFoundError();
    return found;
  }

  /** The class, when it has a free seat; throws CohortFullError when not. */
  async checkSeat(code: string): Promise<Cohort> {
    const cohort = await this.byCode(code);
    if (cohort.attendees.length >= cohort.seats) throw new CohortFullError(cohort.seats);
    return cohort;
  }

  async join(code: string, attendee: Omit<Attendee, "joinedAt">): Promise<void> {
    const cohort = await this.checkSeat(code);
    cohort.attendees.push({ ...attendee, joinedAt: new Date(this.now()).toISOString() });
    await this.persist();
    await this.rewarm();
  }
}
