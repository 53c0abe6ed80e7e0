/**
 * From a path in the compose value (["services", "web", "ports", 0]) to a
 * place in the text, through the YAML document's nodes. Aliases and merge
 * keys (`<<: *defaults`) are followed, so a value that came from an anchor
 * points at the anchor's text.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

export type Path = readonly (string | number)[];

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Which part of a mapping entry to point at. */
export type Part = "key" | "value";

interface Found {
  /** The key of the entry the value hangs from (absent for list items). */
  key?: Node;
  value?: Node;
}

export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly content: string,
  ) {}

  /**
   * Where `path` is in the text. A missing path (a value Compose fills in, or a
   * typo in the path) falls back to its nearest ancestor that exists. A value
   * that is a whole block (a mapping or a list) is pointed at by its key, and
   * a long span is cut at the end of its first line.
   */
  span(path: Path, part: Part = "value"): Span {
    for (let depth = path.length; depth >= 0; depth--) {
      const found = this.find(path.slice(0, depth));
      if (!found) continue;
      const { key, value } = found;
      const block = value !== undefined && (isMap(value) || isSeq(value));
      const wantKey = part === "key" || block || value === undefined || isEmpty(value);
      const node = wantKey && key ? key : value;
      if (node?.range) return this.toSpan(node.range[0], node.range[1]);
    }
    return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  }

  /** 1-based line of `path`, for messages that refer to another place. */
  line(path: Path, part: Part = "value"): number {
    return this.span(path, part).line;
  }

  private find(path: Path): Found | undefined {
    let found: Found = { value: this.doc.contents ?? undefined };
    for (const segment of path) {
      const node = this.resolve(found.value);
      if (isMap(node)) {
        const pair = this.entry(node, String(segment), 0);
        if (!pair) return undefined;
        found = pair;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (!item) return undefined;
        found = { value: item as Node };
      } else {
        return undefined;
      }
    }
    return found;
  }

  /** The entry `name` of a mapping, looking through merge keys; the last one wins as in toJS. */
  private entry(map: Node, name: string, depth: number): Found | undefined {
    if (!isMap(map) || depth > 10) return undefined;
    for (let i = map.items.length - 1; i >= 0; i--) {
      const pair = map.items[i]!;
      const key = pair.key as Node | null;
      if (isScalar(key) && String(key.value) === name && !isMergeKey(key)) return { key, value: (pair.value as Node) ?? undefined };
    }
    for (const pair of map.items) {
      const key = pair.key as Node | null;
      if (!isScalar(key) || !isMergeKey(key)) continue;
      const source = this.resolve(pair.value as Node);
      const sources = isSeq(source) ? source.items.map((item) => this.resolve(item as Node)) : [source];
      for (const s of sources) {
        const found = s && this.entry(s, name, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  private resolve(node: Node | undefined | null): Node | undefined {
    let current = node ?? undefined;
    for (let hops = 0; isAlias(current) && hops < 10; hops++) current = current.resolve(this.doc) ?? undefined;
    return current;
  }

  toSpan(start: number, end: number): Span {
    const from = this.lines.linePos(start);
    let to = this.lines.linePos(Math.max(start, end));
    if (to.line !== from.line) {
      const lineEnd = this.content.indexOf("\n", start);
      to = { line: from.line, col: from.col + (lineEnd < 0 ? this.content.length : lineEnd) - start };
      if (this.content[lineEnd - 1] === "\r") to.col--;
    }
    return { line: from.line, column: from.col, endLine: to.line, endColumn: Math.max(to.col, from.col + 1) };
  }
}

function isMergeKey(key: Node): boolean {
  return isScalar(key) && (key.value === "<<" || key.source === "<<" || typeof key.value === "symbol");
}

function isEmpty(node: Node): boolean {
  return isScalar(node) && node.value === null && (!node.range || node.range[0] === node.range[1]);
}
