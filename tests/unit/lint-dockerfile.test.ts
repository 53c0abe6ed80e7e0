import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lintDockerfile } from "../../lib/lint/dockerfile";

const file = (...lines: string[]) => lines.join("\n") + "\n";

function only(content: string) {
  const found = lintDockerfile(content);
  assert.equal(found.length, 1, JSON.stringify(found, null, 2));
  return found[0]!;
}

describe("Dockerfile lint", () => {
  test("a clean multi-stage Dockerfile has no diagnostics", () => {
    const content = file(
      "# syntax=docker/dockerfile:1",
      "FROM node:22-alpine AS build",
      "WORKDIR /app",
      "COPY --chown=node:node package*.json ./",
      "RUN npm ci",
      "COPY . .",
      "RUN npm run build \\",
      "  && npm prune --omit=dev",
      "RUN [ -f dist/index.js ] || exit 1",
      "",
      "FROM node:22-alpine",
      "ENV NODE_ENV=production",
      "WORKDIR /app",
      "COPY --from=build --chmod=755 /app/dist ./dist",
      "EXPOSE 3000",
      "HEALTHCHECK --interval=10s CMD [\"wget\", \"-qO-\", \"http://localhost:3000/health\"]",
      "USER node",
      "CMD [\"node\", \"dist/index.js\"]",
    );
    assert.deepEqual(lintDockerfile(content), []);
  });

  test("an unknown instruction, with the instruction meant", () => {
    const d = only(file("FROM alpine", "RUNN apk add curl"));
    assert.deepEqual([d.line, d.column, d.endLine, d.endColumn], [2, 1, 2, 5]);
    assert.equal(d.severity, "error");
    assert.equal(d.source, "dockerfile");
    assert.match(d.message, /Unknown instruction: RUNN\. Did you mean RUN\?/);
  });

  test("an unknown flag, with the flag meant", () => {
    const d = only(file("FROM alpine", "COPY --chmodd=644 app.sh /app.sh"));
    assert.equal(d.line, 2);
    assert.equal(d.column, 6);
    assert.match(d.message, /Unknown flag: chmodd\. Did you mean --chmod\?/);
  });

  test("no FROM", () => {
    const d = only(file("RUN echo hello"));
    assert.equal(d.line, 1);
    assert.match(d.message, /FROM/);
  });

  test("a JSON array with a single-quoted item: says why and how to write it", () => {
    const d = only(file("FROM alpine", "CMD [\"echo\", 'hi']"));
    assert.equal(d.line, 2);
    assert.equal(d.column, 5);
    assert.equal(d.code, "invalid-json-form");
    assert.match(d.message, /double quotes/);
    assert.match(d.message, /shell command/);
    assert.match(d.message, /CMD \["echo", "hi"\]/);
  });

  test("a JSON array that is never closed, over continuation lines", () => {
    const d = only(file("FROM alpine", "ENTRYPOINT [\"nginx\", \\", "  \"-g\", \"daemon off;\"", "EXPOSE 80"));
    assert.equal(d.line, 2);
    assert.equal(d.endLine, 3);
    assert.match(d.message, /not closed with `\]`/);
  });

  test("all single quotes is reported once, by the library's check", () => {
    const d = only(file("FROM alpine", "CMD ['echo', 'hi']"));
    assert.equal(d.line, 2);
    assert.match(d.message, /single quotes/);
  });

  test("heredoc bodies are not read as instructions", () => {
    assert.deepEqual(lintDockerfile(file("FROM alpine", "RUN <<EOF", "CMD [\"not\", 'an instruction']", "EOF")), []);
  });
});
