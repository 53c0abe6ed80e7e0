/** A running shell behind a terminal, whatever starts it (node-pty, an API exec...). */
export interface TerminalProcess {
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Stop reading output: the shell blocks once the buffers between are full. */
  pause(): void;
  resume(): void;
  kill(): void;
  /** Output as raw bytes: decoding is left to the terminals that show it. */
  onData(listener: (data: Buffer) => void): void;
  /**
   * The shell ended, or (`lost`) the connection to it did: the engine went
   * away, and the shell may still be running inside the node.
   */
  onExit(listener: (exitCode: number, lost?: boolean) => void): void;
}

export interface TerminalTarget {
  sessionId: string;
  node: string;
  /** Terminal name inside the node; the shell records its PID under it. */
  name: string;
}

export type SpawnTerminal = (target: TerminalTarget, size: { cols: number; rows: number }) => TerminalProcess;
