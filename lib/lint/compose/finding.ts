/** What the compose checks report, before it is placed in the text. */
import type { Diagnostic } from "../../protocol";
import type { Part, Path } from "./locate";

/** The line of another place in the file, for messages such as "published on line 4". */
export type LineOf = (path: Path, part?: Part) => number;

export interface Finding {
  path: Path;
  /** Point at the entry's key rather than its value. */
  part?: Part;
  /** "error" unless said otherwise. */
  severity?: Diagnostic["severity"];
  code: string;
  message: string | ((lineOf: LineOf) => string);
}

/** The compose file as plain data (after YAML anchors and merge keys). */
export type Compose = Record<string, unknown>;

export type Mapping = Record<string, unknown>;

export const isMapping = (value: unknown): value is Mapping =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The entries of a mapping, or none for anything else. */
export const entriesOf = (value: unknown): [string, unknown][] => (isMapping(value) ? Object.entries(value) : []);

/** Values with `${VAR}` are only known once Compose interpolates them: not checked. */
export const interpolated = (value: string) => value.includes("${") || /\$[A-Za-z_]/.test(value);

/** The services of the file, by name. */
export const servicesOf = (compose: Compose) => entriesOf(compose.services);
