import { startServer } from "../support/server";
import { waitPool } from "./capacity";
const MARK = `(() => {
  window.__t = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__t.push(["longtask " + Math.round(e.duration), e.startTime]); }).observe({ type: "longtask", buffered: false });
  const OrigWS = window.WebSocket;
  window.WebSocket = function (url, p) { const ws = new OrigWS(url, p); window.__t.push(["ws new", performance.now()]); ws.addEventListener("open", () => window.__t.push(["ws open", performance.now()])); let first = true; ws.addEventListener("message", (m) => { if (first) { first = false; window.__t.push(["ws first msg", performance.now()]); } }); return ws; };
  window.WebSocket.prototype = OrigWS.prototype;
  document.addEventListener("click", (e) => { if (e.target.closest && e.target.closest("[data-testid=start-session]")) window.__clickAt ??= performance.now(); }, true);
  const prompt = /node\\d+:\\S*[#$]\\s*$/;
  let termSeen = false;
  const frame = () => {
    if (window.__playgroundTerm && !termSeen) { termSeen = true; window.__t.push(["term exists", performance.now()]); }
    const b = window.__clickAt === undefined ? undefined : window.__playgroundTerm?.buffer.active;
    for (let l = 0; b && l < b.length; l++) if (prompt.test(b.getLine(l)?.translateToString(true) ?? "")) { requestAnimationFrame(() => (window.__drawnAt = performance.now())); return; }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;
async function main() {
  const server = await startServer({ POOL_SIZE: "2" });
  const { chromium } = await import("@playwright/test");
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--disable-gpu"] });
  try {
    for (let i = 0; i < 3; i++) {
      await waitPool(server, 1);
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(server.url + "/", { waitUntil: "networkidle" });
      await page.evaluate(MARK);
      await page.getByTestId("start-session").click();
      await page.waitForFunction("window.__drawnAt !== undefined", null, { timeout: 60_000 });
      const out = await page.evaluate(`(() => { const c = window.__clickAt; const r = performance.getEntriesByType("resource").filter(e => e.startTime >= c).map(e => [e.name.replace(location.origin, "").slice(0, 70), Math.round(e.startTime - c), Math.round(e.responseEnd - c)]); return { total: window.__drawnAt - c, r, t: window.__t.map(([n, t]) => [n, Math.round(t - c)]) }; })()`);
      console.log(JSON.stringify(out, null, 1));
      const id = new URL(page.url()).pathname.split("/").pop()!;
      await context.close();
      await server.api(`/api/sessions/${id}`, { method: "DELETE" });
    }
  } finally {
    await browser.close();
    await server.destroy();
  }
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
