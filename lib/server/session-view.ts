/** The session as its page needs it: the core's view, plus the port-link template and the upload limit. */
import type { SessionView } from "../protocol";
import { portUrl } from "../ports/urls";
import { getContext } from "./context";

export function pageView(req: Request, id: string): SessionView {
  const { manager, config } = getContext();
  const view = manager.get(id);
  const host = req.headers.get("host") ?? "localhost";
  const protocol = config.trustProxy && req.headers.get("x-forwarded-proto") === "https" ? "https:" : "http:";
  // The page builds the link of a port the user types from this template.
  const template = portUrl({ id: manager.watchIdOf(id), node: "NODE", port: 65535 }, host, protocol, config.portsDomain);
  return {
    ...view,
    portUrl: template.replace("65535", "{port}").replace("NODE", "{node}"),
    uploadMaxBytes: config.uploadMaxBytes,
  };
}
