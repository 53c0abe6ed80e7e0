/**
 * A terminal backend through the Engine API: an exec with a TTY, attached
 * over a hijacked connection by dockerode. No host process per terminal
 * (the docker CLI costs ~24 MiB each); measured against the pty backend by
 * `npm run bench`.
 */
import type Docker from "dockerode";
import type { Duplex } from "node:stream";
import { containerName } from "../docker/names";
import { isPlaygroundError } from "../sessions/errors";
import type { SpawnTerminal } from "./process";

export function apiExec(docker: Docker, instance: string): SpawnTerminal {
  return (target, size) => {
    const dataListeners: ((d: Buffer) => void)[] = [];
    const exitListeners: ((code: number, lost?: boolean) => void)[] = [];
    const container = docker.getContainer(containerName(instance, target.sessionId, target.node));
    let exec: Docker.Exec | undefined;
    let stream: Duplex | undefined;
    // The exec starts asynchronously: what arrives meanwhile waits here.
    const queued: string[] = [];
    let wanted = size;
    /**
     * One resize request at a time, the newest size last: two in flight may
     * be applied in either order, and the shell could keep the older size.
     */
    let applied: { cols: number; rows: number } | undefined;
    let resizing = false;
    const applySize = async () => {
      if (!exec || !stream || resizing) return;
      resizing = true;
      try {
        while (!ended && (applied?.cols !== wanted.cols || applied?.rows !== wanted.rows)) {
          const next = wanted;
          await exec.resize({ h: next.rows, w: next.cols }).catch(() => {});
          applied = next;
        }
      } finally {
        resizing = false;
      }
    };
    let paused = false;
    let ended = false;
    const exit = (code: number, lost = false) => {
      if (ended) return;
      ended = true;
      for (const l of exitListeners) l(code, lost);
    };
    /** The engine unreachable, or gone quiet (lib/docker/engine.ts). */
    const engineLost = (e: unknown) => isPlaygroundError(e) && e.code === "engine_unavailable";

    void (async () => {
      exec = await container.exec({
        // A shell the previous connection left (the engine went away meanwhile) is ended first.
        Cmd: ["sh", "-c", 'playground-shell --reap; exec /usr/local/bin/playground-shell "$1"', "shell", target.name],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        Env: ["TERM=xterm-256color", "COLORTERM=truecolor"],
      });
      const s = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
      stream = s;
      if (ended) return void s.destroy();
      s.on("data", (d: Buffer) => {
        for (const l of dataListeners) l(d);
      });
      // The stream also ends when the connection to the engine breaks: the exec's state tells which.
      const done = () =>
        void exec?.inspect().then(
          (i) => exit(i.ExitCode ?? 0),
          (e: unknown) => exit(engineLost(e) ? -1 : 0, engineLost(e)),
        );
      s.on("end", done);
      s.on("close", done);
      s.on("error", done);
      if (paused) s.pause();
      for (const data of queued.splice(0)) s.write(data);
      await applySize();
    })().catch((e: unknown) => exit(-1, engineLost(e)));

    return {
      write: (data) => (stream ? void stream.write(data) : void queued.push(data)),
      resize: (cols, rows) => {
        wanted = { cols, rows };
        void applySize();
      },
      pause: () => {
        paused = true;
        stream?.pause();
      },
      resume: () => {
        paused = false;
        stream?.resume();
      },
      kill: () => {
        stream?.destroy();
        exit(0);
        // Closing the connection leaves the shell running inside: end it.
        void container
          .exec({ Cmd: ["playground-shell", "--reap"] })
          .then((e) => e.start({}))
          .catch(() => {});
      },
      onData: (l) => void dataListeners.push(l),
      onExit: (l) => void exitListeners.push(l),
    };
  };
}
