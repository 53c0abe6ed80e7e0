import { after, before, test } from "node:test";
import type { SessionView } from "../../lib/protocol";
import { startServer, type TestServer } from "../support/server";
let server: TestServer; let s: SessionView;
before(async () => { server = await startServer(); s = await server.readySession(); });
after(async () => { await server?.destroy(); });
test("syntax", async () => {
  const r = await server.exec(s.id, ["sh", "-c", `mkdir -p /root/a && cd /root/a && cat > Dockerfile <<'X'
# syntax=docker/dockerfile:1
FROM busybox
RUN <<EOT
echo heredoc ok > /h.txt
EOT
RUN --mount=type=cache,target=/c echo cached >> /c/log && cat /c/log
COPY --link <<EOF /g.txt
hello
EOF
CMD ["cat", "/h.txt", "/g.txt"]
X
docker build --progress=plain -t t . 2>&1; docker run --rm t; docker version --format '{{.Server.Version}}'; docker info 2>&1 | grep -i -A3 "mirror\\|storage driver"`]);
  console.log(r.stdout, r.stderr);
});
