/**
 * A page's live view as server-sent events: `data:` with the view's JSON at
 * once and whenever it changes, `event: gone` (and the end) once it no longer
 * exists. The view is computed again when `subscribe`'s notify is called (a
 * change the core announces) and every `checkMs` for the rest; only a view
 * that differs from the last one sent goes out.
 */

export interface LiveView {
  /** The view's JSON now, or null when it is gone (a failure to read skips this round). */
  read: () => Promise<string | null>;
  /** Calls notify on every change it hears of; returns how to stop listening. */
  subscribe: (notify: () => void) => () => void;
  checkMs?: number;
}

/** A comment line now and then, so that proxies do not close a quiet stream. */
const KEEPALIVE_MS = 15_000;

export function eventStream(req: Request, live: LiveView): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let last = "";
      let closed = false;
      let reading = false;
      let again = false;
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      // One read at a time; a change heard during a read makes one more.
      const send = async () => {
        if (closed) return;
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        try {
          do {
            again = false;
            let body: string | null;
            try {
              body = await live.read();
            } catch {
              continue; // asked again at the next change or check
            }
            if (body === null) {
              write("event: gone\ndata: {}\n\n");
              stop();
              return;
            }
            if (body !== last) write(`data: ${(last = body)}\n\n`);
          } while (again && !closed);
        } finally {
          reading = false;
        }
      };
      const notify = () => void send();
      const unsubscribe = live.subscribe(notify);
      const check = setInterval(notify, live.checkMs ?? 1000);
      const keepalive = setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS);
      stop = () => {
        if (closed) return;
        closed = true;
        clearInterval(check);
        clearInterval(keepalive);
        unsubscribe();
        req.signal.removeEventListener("abort", stop);
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      req.signal.addEventListener("abort", stop);
      write("retry: 2000\n\n");
      notify();
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" },
  });
}
