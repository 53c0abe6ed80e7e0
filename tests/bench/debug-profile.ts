import { startServer } from "../support/server";
import { waitPool } from "./capacity";
async function main() {
  const server = await startServer({ POOL_SIZE: "2" });
  const { chromium } = await import("@playwright/test");
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--disable-gpu"] });
  try {
    for (let i = 0; i < 2; i++) {
      await waitPool(server, 1);
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(server.url + "/", { waitUntil: "networkidle" });
      const cdp = await context.newCDPSession(page);
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      await page.evaluate(`(() => { document.addEventListener("click", () => { window.__clickAt ??= performance.now(); }, true); const f = () => { const b = window.__playgroundTerm?.buffer.active; for (let l = 0; b && l < b.length; l++) if (/node\\d+:\\S*[#$]\\s*$/.test(b.getLine(l)?.translateToString(true) ?? "")) { requestAnimationFrame(() => (window.__drawnAt = performance.now())); return; } requestAnimationFrame(f); }; requestAnimationFrame(f); })()`);
      await cdp.send("Profiler.start");
      await page.getByTestId("start-session").click();
      await page.waitForFunction("window.__drawnAt !== undefined", null, { timeout: 60_000 });
      const { profile } = (await cdp.send("Profiler.stop")) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[]; samples: number[]; timeDeltas: number[] } };
      const total = Number(await page.evaluate("window.__drawnAt - window.__clickAt"));
      const self = new Map<number, number>();
      profile.samples.forEach((id, k) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000));
      const byName = new Map<string, number>();
      for (const n of profile.nodes) {
        const key = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`;
        byName.set(key, (byName.get(key) ?? 0) + (self.get(n.id) ?? 0));
      }
      const byUrl = new Map<string, number>();
      for (const n of profile.nodes) {
        const key = n.callFrame.url.split("/").pop() || n.callFrame.functionName;
        byUrl.set(key, (byUrl.get(key) ?? 0) + (self.get(n.id) ?? 0));
      }
      console.log("total", Math.round(total));
      console.log([...byUrl].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => `${Math.round(v)}ms ${k}`).join("\n"));
      console.log("--");
      console.log([...byName].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${Math.round(v)}ms ${k}`).join("\n"));
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
