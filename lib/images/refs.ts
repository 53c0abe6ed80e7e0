/**
 * Checks of the names and ids the panel's routes take from the URL, before
 * any of them reaches a node's engine. Pure: no Docker, no HTTP.
 */
import { BadRequestError } from "../sessions/errors";

const MAX_REF_LENGTH = 256;

/** Container and network ids or names, volume names: Docker's own rule for names. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/**
 * Images are named by id only (`sha256:<64 hex>`, or 12 to 64 hex digits): a
 * name such as `library/nginx:latest` holds `/`, which cannot travel in one
 * path segment everywhere, and a tag can move to another image between the
 * listing and the click. The panel lists ids with every image.
 */
const IMAGE_ID = /^(sha256:[a-f0-9]{64}|[a-f0-9]{12,64})$/;

export const CONTAINER_ACTIONS = ["start", "stop", "restart"] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** Lines of logs given when `tail` is not set, and the most that may be asked for. */
export const DEFAULT_LOG_TAIL = 500;
export const MAX_LOG_TAIL = 5000;

/** Path segments arrive URL-encoded from some clients (`sha256%3A...`). */
function decoded(value: string, what: string): string {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    throw new BadRequestError(`The ${what} is not correctly URL-encoded.`);
  }
}

function checked(value: string, what: string, pattern: RegExp, rule: string): string {
  const ref = decoded(value, what);
  if (ref.length === 0 || ref.length > MAX_REF_LENGTH || !pattern.test(ref)) {
    throw new BadRequestError(`"${ref.slice(0, 80)}" is not a valid ${what}: ${rule}.`);
  }
  return ref;
}

const NAME_RULE = `use letters, digits, "_", "." and "-", at most ${MAX_REF_LENGTH} characters`;

export const containerRef = (value: string) => checked(value, "container id or name", NAME, NAME_RULE);
export const networkRef = (value: string) => checked(value, "network id or name", NAME, NAME_RULE);
export const volumeRef = (value: string) => checked(value, "volume name", NAME, NAME_RULE);
export const imageRef = (value: string) =>
  checked(value, "image id", IMAGE_ID, 'give the image id ("sha256:" and 64 hex digits, or at least 12 of them)');

export function containerAction(value: string): ContainerAction {
  const action = CONTAINER_ACTIONS.find((a) => a === value);
  if (!action) throw new BadRequestError(`Unknown container action "${value.slice(0, 40)}": use ${CONTAINER_ACTIONS.join(", ")}.`);
  return action;
}

/** `?tail=N`: DEFAULT_LOG_TAIL when absent, at most MAX_LOG_TAIL. */
export function logTail(value: string | null): number {
  if (value === null || value === "") return DEFAULT_LOG_TAIL;
  if (!/^\d{1,9}$/.test(value)) throw new BadRequestError(`tail must be a number of lines (at most ${MAX_LOG_TAIL}).`);
  return Math.min(Number(value), MAX_LOG_TAIL);
}
