/**
 * A small Unix socket proxy between a test's server and the real Docker
 * engine (DOCKER_HOST=unix://<path>), which a test cuts, hangs and restores
 * to play an engine that goes away. The real engine is never touched.
 */
import { rmSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";

const REAL_ENGINE = process.env.DOCKER_HOST?.startsWith("unix://") ? process.env.DOCKER_HOST.slice(7) : "/var/run/docker.sock";

/** Between the server and the engine: "up" forwards, "hung" accepts and never answers, "down" refuses. */
export class EngineProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private mode: "up" | "hung" = "up";
  /** Connections accepted in all (a hung engine still accepts). */
  accepted = 0;

  constructor(readonly path: string) {}

  async up(): Promise<void> {
    this.mode = "up";
    await this.listen();
  }

  /** Accepts connections and never answers them; what was open is cut. */
  async hang(): Promise<void> {
    this.dropAll();
    this.mode = "hung";
    await this.listen();
  }

  /** No listener at all, and every open connection (attached terminals, followed logs) broken. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    // close() stops accepting at once, and calls back only when every connection has ended.
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : undefined;
    this.dropAll();
    await closed;
    rmSync(this.path, { force: true });
  }

  private dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on("close", () => this.sockets.delete(s));
    s.on("error", () => s.destroy());
  }

  private async listen(): Promise<void> {
    if (this.server) return;
    rmSync(this.path, { force: true });
    const server = createServer((client) => {
      this.accepted++;
      this.track(client);
      if (this.mode === "hung") return void client.resume(); // read and drop, answer nothing
      const engine = createConnection(REAL_ENGINE);
      this.track(engine);
      client.pipe(engine).pipe(client);
      const both = () => {
        client.destroy();
        engine.destroy();
      };
      client.on("close", both);
      engine.on("close", both);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.path, () => resolve());
    });
    this.server = server;
  }
}
