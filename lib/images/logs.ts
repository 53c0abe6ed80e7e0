/**
 * Collects a container's logs as the engine sends them. Without a TTY the
 * engine multiplexes stdout and stderr in frames: an 8-byte header (stream
 * type, three zero bytes, payload length as uint32 big-endian), then the
 * payload. With a TTY the bytes come raw. Pure: no Docker, no HTTP.
 *
 * Invariant: at most `maxBytes` of output are kept, the newest ones, since
 * the end of a log is what people look at.
 */
const HEADER_BYTES = 8;

export class LogCollector {
  private pending: Buffer = Buffer.alloc(0);
  /** Payload bytes of the current frame not received yet. */
  private frameLeft = 0;
  private parts: Buffer[] = [];
  private kept = 0;
  /** Older output was dropped to stay within maxBytes. */
  dropped = false;

  constructor(
    private readonly multiplexed: boolean,
    private readonly maxBytes: number,
  ) {}

  push(chunk: Buffer): void {
    if (!this.multiplexed) return this.keep(chunk);
    let rest = this.pending.byteLength > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (rest.byteLength > 0) {
      if (this.frameLeft > 0) {
        const n = Math.min(this.frameLeft, rest.byteLength);
        this.keep(rest.subarray(0, n));
        this.frameLeft -= n;
        rest = rest.subarray(n);
      } else if (rest.byteLength < HEADER_BYTES) {
        this.pending = Buffer.from(rest);
        return;
      } else {
        this.frameLeft = rest.readUInt32BE(4);
        rest = rest.subarray(HEADER_BYTES);
      }
    }
  }

  /** The output as text; when older output was dropped, it starts at a line's beginning. */
  text(): string {
    const all = Buffer.concat(this.parts);
    if (!this.dropped) return all.toString("utf8");
    const start = all.indexOf(0x0a);
    return (start >= 0 ? all.subarray(start + 1) : all).toString("utf8");
  }

  private keep(bytes: Buffer): void {
    if (bytes.byteLength === 0) return;
    this.parts.push(Buffer.from(bytes));
    this.kept += bytes.byteLength;
    while (this.kept > this.maxBytes && this.parts.length > 0) {
      const first = this.parts[0]!;
      const excess = this.kept - this.maxBytes;
      if (first.byteLength <= excess) {
        this.parts.shift();
        this.kept -= first.byteLength;
      } else {
        this.parts[0] = first.subarray(excess);
        this.kept -= excess;
      }
      this.dropped = true;
    }
  }
}
