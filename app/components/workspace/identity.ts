/**
 * Who this tab is, for the session's list of participants: a random id per
 * tab and a name kept per browser. Nothing here is a credential.
 */
import { readStored, writeStored } from "../storage";

const random = () => Math.random().toString(36).slice(2, 10);

export function participantQuery(): string {
  let client = readStored("playground-client", "session");
  if (!client) {
    client = random();
    writeStored("playground-client", client, "session");
  }
  let name = readStored("playground-name");
  if (!name) {
    name = `Guest ${Math.floor(1000 + Math.random() * 9000)}`;
    writeStored("playground-name", name);
  }
  return new URLSearchParams({ client, name }).toString();
}
