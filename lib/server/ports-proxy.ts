/**
 * The playground's own proxy to ports published in nodes, for HTTP and
 * WebSocket alike. Requests for PORT-NODE-ID.<domain> or /ports/ID/NODE/PORT/
 * go to that port of the node on the session's network; everything else is
 * left to the app. The playground's cookies (playground_*) are never passed
 * on, and a port nobody listens on gets a page that says so.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { createProxyServer } from "http-proxy-3";
import { isPlaygroundError } from "../sessions/errors";
import type { SessionManager } from "../sessions/manager";
import { parsePortHost, parsePortPath, type PortAddress } from "../ports/urls";

export interface PortsProxyOptions {
  manager: SessionManager;
  domain: string;
  log: (event: string, fields: Record<string, unknown>) => void;
  /**
   * How each proxied request or upgrade ended, for the metrics' counter:
   * passed to the app (`ok`), nothing answered or the app failed (`refused`),
   * or no such session or ready node (`no_session`).
   */
  onResult?: (result: ProxyResult) => void;
}

export type ProxyResult = "ok" | "refused" | "no_session";

interface Route {
  address: PortAddress;
  /** The path to request from the app. */
  path: string;
  /** For /ports/... without a slash after the port: where to redirect. */
  redirect?: string;
}

export function portsProxy(opts: PortsProxyOptions) {
  const proxy = createProxyServer({ xfwd: true, proxyTimeout: 120_000 });

  function route(req: IncomingMessage): Route | undefined {
    const url = req.url ?? "/";
    const byHost = parsePortHost(req.headers.host, opts.domain);
    if (byHost) return { address: byHost, path: url };
    if (!url.startsWith("/ports/")) return undefined;
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    const search = q < 0 ? "" : url.slice(q);
    const byPath = parsePortPath(pathname);
    if (!byPath) return undefined;
    if (byPath.rest === undefined) return { address: byPath, path: "/", redirect: `${pathname}/${search}` };
    return { address: byPath, path: byPath.rest + search };
  }

  const count = (result: ProxyResult) => opts.onResult?.(result);
  /** The session's own id for the log (port links carry the watch id). */
  const sessionIdOf = (id: string) => {
    try {
      return opts.manager.sessionOf(id).sessionId;
    } catch {
      return id;
    }
  };

  /** The node's address, or the reason there is none. */
  function target(a: PortAddress): { ip: string } | { status: number; title: string; text: string } {
    try {
      return { ip: opts.manager.nodeAddress(a.id, a.node) };
    } catch (e) {
      if (isPlaygroundError(e) && e.status === 404) {
        return { status: 404, title: "No such session", text: "This playground session does not exist or has ended." };
      }
      const why = isPlaygroundError(e) ? e.message : "it cannot be reached";
      return { status: 503, title: `${a.node} is not ready`, text: why };
    }
  }

  /** Handles the request if it is for a port; returns false to leave it to the app. */
  function handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const r = route(req);
    if (!r) return false;
    if (r.redirect) {
      res.writeHead(308, { location: r.redirect }).end();
      return true;
    }
    const t = target(r.address);
    if ("status" in t) {
      count("no_session");
      page(res, t.status, t.title, t.text, false);
      return true;
    }
    req.url = r.path;
    stripOurCookies(req);
    let failed = false;
    res.once("close", () => failed || count("ok"));
    proxy.web(req, res, { target: `http://${t.ip}:${r.address.port}` }, (err) => {
      failed = true;
      count("refused");
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ECONNRESET") {
        page(
          res,
          502,
          `Nothing answers on port ${r.address.port} of ${r.address.node}`,
          `No program in ${r.address.node} accepts connections on port ${r.address.port} yet. Start one, for example ` +
            `docker run -d -p ${r.address.port}:80 nginx, or check that it listens on 0.0.0.0 and not only on 127.0.0.1. ` +
            "This page tries again every 3 seconds.",
          true,
        );
      } else {
        opts.log("port_proxy_error", { sessionId: sessionIdOf(r.address.id), node: r.address.node, port: r.address.port, error: String(err) });
        page(res, 502, "The app did not answer", `The request to port ${r.address.port} of ${r.address.node} failed: ${code ?? "error"}.`, true);
      }
    });
    return true;
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const r = route(req);
    if (!r) return false;
    const t = r.redirect ? undefined : target(r.address);
    if (!t || "status" in t) {
      if (t) count("no_session");
      socket.end(`HTTP/1.1 ${t && "status" in t ? t.status : 404} Not Found\r\ncontent-type: text/plain\r\n\r\nNo such port.\n`);
      return true;
    }
    req.url = r.path;
    stripOurCookies(req);
    socket.on("error", () => socket.destroy());
    let failed = false;
    socket.once("close", () => failed || count("ok"));
    proxy.ws(req, socket, head, { target: `http://${t.ip}:${r.address.port}` }, () => {
      failed = true;
      count("refused");
      socket.destroy();
    });
    return true;
  }

  return { handleRequest, handleUpgrade, close: () => proxy.close() };
}

/** The playground's cookies never reach a proxied app. */
function stripOurCookies(req: IncomingMessage): void {
  const cookie = req.headers.cookie;
  if (!cookie) return;
  const kept = cookie
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c && !c.toLowerCase().startsWith("playground"));
  if (kept.length) req.headers.cookie = kept.join("; ");
  else delete req.headers.cookie;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(res: ServerResponse, status: number, title: string, text: string, retry: boolean): void {
  if (res.headersSent) return void res.end();
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">${retry ? '<meta http-equiv="refresh" content="3">' : ""}
<style>body{font-family:system-ui,sans-serif;background:#0b1120;color:#e2e8f0;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
main{max-width:36rem;padding:2rem;border:1px solid #334155;border-radius:.75rem;background:#0f172a}h1{font-size:1.25rem}p{color:#cbd5e1;line-height:1.5}</style>
</head><body><main data-testid="port-error"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main></body></html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(body);
}
