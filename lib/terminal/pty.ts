/**
 * The default terminal backend: `docker exec -it` into the node, in a pty
 * made by node-pty. The host's docker CLI does the TTY plumbing.
 */
import { spawn } from "node-pty";
import { containerName } from "../docker/names";
import type { SpawnTerminal } from "./process";

export function ptyDockerExec(instance: string, env: NodeJS.ProcessEnv): SpawnTerminal {
  // Only what the docker CLI needs: the server's own secrets stay out of it.
  const childEnv: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY"]) {
    const value = env[key];
    if (value) childEnv[key] = value;
  }
  return (target, { cols, rows }) => {
    const pty = spawn(
      "docker",
      [
        "exec", "-it",
        "-e", "TERM=xterm-256color",
        "-e", "COLORTERM=truecolor",
        containerName(instance, target.sessionId, target.node),
        "/usr/local/bin/playground-shell", target.name,
      ],
      // encoding null: output stays bytes, never decoded here and encoded again.
      { name: "xterm-256color", cols, rows, env: childEnv, encoding: null },
    );
    return {
      write: (data) => pty.write(data),
      resize: (c, r) => pty.resize(c, r),
      pause: () => pty.pause(),
      resume: () => pty.resume(),
      kill: () => pty.kill(),
      // With encoding null node-pty hands out Buffers, though its types say string.
      onData: (listener) => void pty.onData((data) => listener(data as unknown as Buffer)),
      onExit: (listener) => void pty.onExit(({ exitCode }) => listener(exitCode)),
    };
  };
}
