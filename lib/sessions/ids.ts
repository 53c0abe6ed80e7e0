import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
export const SESSION_ID_LENGTH = 24;

/**
 * A new session id: 24 characters of [a-z0-9], about 124 bits of randomness.
 * The id is the session's only credential (the link), so it must be
 * unguessable; lower case keeps it usable inside DNS names.
 */
export function newSessionId(): string {
  let id = "";
  while (id.length < SESSION_ID_LENGTH) {
    for (const byte of randomBytes(32)) {
      // 252 = 7 * 36: dropping larger bytes keeps every character equally likely.
      if (byte < 252 && id.length < SESSION_ID_LENGTH) id += ALPHABET[byte % 36];
    }
  }
  return id;
}

export const isSessionId = (s: string) => s.length === SESSION_ID_LENGTH && /^[a-z0-9]+$/.test(s);

/** Node names are node1, node2, ... */
export const isNodeName = (s: string) => /^node[1-9][0-9]?$/.test(s);
