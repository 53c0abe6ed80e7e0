/**
 * Dockerfile diagnostics: dockerfile-utils' validator, plus what it misses
 * (JSON-form arrays that are not JSON) and "did you mean" hints. Runs in the
 * browser and on the server: no Node-only imports.
 */
import { validate, ValidationCode } from "dockerfile-utils";
import type { Diagnostic } from "../protocol";
import { didYouMean } from "./suggest";

const INSTRUCTIONS = [
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
];

/** Flags each instruction takes, for suggestions after an unknown flag. */
const FLAGS: Partial<Record<ValidationCode, string[]>> = {
  [ValidationCode.UNKNOWN_ADD_FLAG]: ["chown", "chmod", "link", "keep-git-dir", "checksum", "exclude", "unpack"],
  [ValidationCode.UNKNOWN_COPY_FLAG]: ["from", "chown", "chmod", "link", "parents", "exclude"],
  [ValidationCode.UNKNOWN_FROM_FLAG]: ["platform"],
  [ValidationCode.UNKNOWN_HEALTHCHECK_FLAG]: ["interval", "timeout", "start-period", "start-interval", "retries"],
};

/** LSP severities: 1 error, 2 warning, 3 information, 4 hint. */
const SEVERITY: Record<number, Diagnostic["severity"]> = { 1: "error", 2: "warning", 3: "info", 4: "info" };

export function lintDockerfile(content: string): Diagnostic[] {
  const found: Diagnostic[] = validate(content).map((d) => {
    const code = typeof d.code === "number" ? d.code : undefined;
    return {
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: SEVERITY[d.severity ?? 1] ?? "error",
      message: d.message + hint(code, d.message),
      source: "dockerfile",
      code: code === undefined ? undefined : codeName(code),
    };
  });
  // Lines where the library already says the JSON form is wrong.
  const reported = new Set([ValidationCode.JSON_IN_SINGLE_QUOTES, ValidationCode.SHELL_JSON_FORM].map(codeName));
  const jsonReported = new Set(found.filter((d) => d.code && reported.has(d.code)).map((d) => d.line));
  for (const instruction of instructions(content)) {
    const problem = jsonReported.has(instruction.line) ? undefined : jsonFormProblem(instruction);
    if (problem) found.push(problem);
  }
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** ValidationCode.UNKNOWN_COPY_FLAG -> "unknown-copy-flag". */
function codeName(code: number): string {
  const name = ValidationCode[code];
  return name === undefined ? String(code) : name.toLowerCase().replace(/_/g, "-");
}

function hint(code: number | undefined, message: string): string {
  if (code === ValidationCode.UNKNOWN_INSTRUCTION) {
    const word = message.replace(/^Unknown instruction:\s*/, "");
    return endSentence(didYouMean(word, INSTRUCTIONS, ""));
  }
  const flags = code === undefined ? undefined : FLAGS[code as ValidationCode];
  if (flags) {
    const flag = message.replace(/^Unknown flag:\s*/, "");
    const match = didYouMean(flag, flags, "");
    return match ? endSentence(match.replace(/mean /, "mean --")) : "";
  }
  return "";
}

/** The library's messages have no full stop; add one before a sentence of ours. */
const endSentence = (text: string) => (text ? `.${text}` : "");

interface Instruction {
  keyword: string;
  /** The arguments with line continuations joined. */
  args: string;
  /** 1-based line of the keyword, and where the arguments start. */
  line: number;
  argsColumn: number;
  endLine: number;
  endColumn: number;
}

/**
 * The Dockerfile's instructions, with continuation lines joined and comment
 * lines and heredoc bodies skipped. Enough for the checks below, not a full
 * parser: dockerfile-utils does the rest.
 */
function instructions(content: string): Instruction[] {
  const lines = content.split(/\r?\n/);
  const escape = escapeChar(lines);
  const result: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    const match = /^(\s*)([A-Za-z]+)(\s+|$)/.exec(first);
    if (!match || first.trimStart().startsWith("#")) {
      i++;
      continue;
    }
    const line = i + 1;
    const argsColumn = match[0].length + 1;
    let text = first.slice(match[0].length);
    let last = first;
    while (text.endsWith(escape) && i + 1 < lines.length) {
      text = text.slice(0, -1);
      i++;
      // Comment lines inside a continued instruction are dropped by Docker.
      while (i < lines.length - 1 && lines[i]!.trimStart().startsWith("#")) i++;
      last = lines[i]!;
      text += last;
    }
    result.push({ keyword: match[2]!.toUpperCase(), args: text, line, argsColumn, endLine: i + 1, endColumn: last.length + 1 });
    i++;
    for (const heredoc of text.matchAll(/<<(-?)(["']?)([A-Za-z_][\w.-]*)\2/g)) {
      const [, dash, , word] = heredoc;
      while (i < lines.length && (dash ? lines[i]!.replace(/^\t+/, "") : lines[i]) !== word) i++;
      i++;
    }
  }
  return result;
}

/** The escape character from a `# escape=` parser directive, `\` by default. */
function escapeChar(lines: string[]): string {
  for (const line of lines) {
    const directive = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!directive) return "\\";
    if (directive[1]!.toLowerCase() === "escape" && (directive[2] === "`" || directive[2] === "\\")) return directive[2];
  }
  return "\\";
}

/** Instructions that accept the JSON (exec) form. */
const JSON_FORM = new Set(["CMD", "ENTRYPOINT", "RUN", "SHELL", "COPY", "ADD", "VOLUME", "HEALTHCHECK"]);

/**
 * An argument list that was meant as JSON but is not: Docker then quietly runs
 * it as a shell command (`/bin/sh -c '["a", 'b']'`), which fails at run time,
 * or refuses it for SHELL. Only text that starts like a JSON array of strings
 * counts, so that `RUN [ -f x ] && ...` (the shell's test) is left alone.
 */
function jsonFormProblem(instruction: Instruction): Diagnostic | undefined {
  if (!JSON_FORM.has(instruction.keyword)) return undefined;
  let args = instruction.args;
  let offset = 0;
  const skip = (re: RegExp) => {
    const m = re.exec(args);
    if (!m) return false;
    offset += m[0].length;
    args = args.slice(m[0].length);
    return true;
  };
  skip(/^\s+/);
  while (skip(/^--\S+\s+/));
  if (instruction.keyword === "HEALTHCHECK" && !skip(/^CMD\s+/i)) return undefined;
  const text = args.trimEnd();
  if (!/^\[\s*(["'][^"']*["']\s*(,|\]|$)|\])/.test(text)) return undefined;
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    items = undefined;
  }
  if (Array.isArray(items) && items.every((item) => typeof item === "string")) return undefined;

  const fixed = fixJsonArray(text);
  const fix = fixed ? ` Write it as ${instruction.keyword} ${fixed}.` : "";
  let why: string;
  if (Array.isArray(items)) why = "every item of the JSON array must be a string in double quotes";
  else if (!text.endsWith("]")) why = "the JSON array is not closed with `]`";
  else if (text.includes("'")) why = "JSON strings need double quotes, not single quotes";
  else why = "it is not valid JSON";
  const consequence =
    instruction.keyword === "SHELL"
      ? "SHELL needs a JSON array, so the build fails."
      : "Docker then runs the whole text as a shell command, which is not what the brackets meant.";
  return {
    line: instruction.line,
    column: instruction.argsColumn + offset,
    endLine: instruction.endLine,
    endColumn: instruction.endLine === instruction.line ? instruction.argsColumn + instruction.args.trimEnd().length : instruction.endColumn,
    severity: instruction.keyword === "SHELL" ? "error" : "warning",
    message: `This ${instruction.keyword} looks like the JSON (exec) form, but ${why}. ${consequence}${fix}`,
    source: "dockerfile",
    code: "invalid-json-form",
  };
}

/** Single quotes made double and a missing `]` added, if that gives a JSON array of strings. */
function fixJsonArray(text: string): string | undefined {
  let candidate = text.replace(/'([^'"]*)'/g, '"$1"').replace(/,\s*$/, "");
  if (!candidate.endsWith("]")) candidate += "]";
  try {
    const items: unknown = JSON.parse(candidate);
    if (Array.isArray(items) && items.every((item) => typeof item === "string")) return JSON.stringify(items).replace(/","/g, '", "');
  } catch {
    return undefined;
  }
  return undefined;
}
