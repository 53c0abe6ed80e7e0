/**
 * Who this tab is, for the session's list of participants: a random id per
 * tab and a name kept per browser. Nothing here is a credential.
 */
const random = () => Math.random().toString(36).slice(2, 10);

export function participantQuery(): string {
  let client = sessionStorage.getItem("playground-client");
  if (!client) {
    client = random();
    sessionStorage.setItem("playground-client", client);
  }
  let name = localStorage.getItem("playground-name");
  if (!name) {
    name = `Guest ${Math.floor(1000 + Math.random() * 9000)}`;
    localStorage.setItem("playground-name", name);
  }
  return new URLSearchParams({ client, name }).toString();
}
