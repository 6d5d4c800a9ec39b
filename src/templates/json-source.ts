// Parses JSON keeping positions, so every finding and error can name a line (and column) in the file.
import {
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { usageError } from '../errors.js';

export type JsonPath = (string | number)[];

export interface JsonSource<T = unknown> {
  file: string;
  text: string;
  value: T;
  /** 1-based line of the value at `path`, or of its nearest existing ancestor. */
  lineOf(path: JsonPath): number | undefined;
}

/** 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses strict JSON (no comments, no trailing commas); invalid input is a usage error naming line and column. */
export function parseJsonSource<T = unknown>(file: string, text: string): JsonSource<T> {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const first = errors[0];
  if (first || !root) {
    const { line, column } = positionOf(text, first?.offset ?? 0);
    const what = first ? printParseErrorCode(first.error) : 'EmptyContent';
    throw usageError(
      'E_JSON_INVALID',
      `${file}:${line}:${column}: invalid JSON (${what})`,
      'Fix the JSON syntax at that position; templates and config files must be strict JSON.',
      {
        file,
        field: `line ${line}, column ${column}`,
      },
    );
  }
  const lineCache = new Map<string, number | undefined>();
  // Offsets where each line starts, so a line is a binary search rather than a scan from the top of the file.
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return {
    file,
    text,
    value: getNodeValue(root) as T,
    lineOf(path: JsonPath): number | undefined {
      const key = JSON.stringify(path);
      if (lineCache.has(key)) return lineCache.get(key);
      let node: Node | undefined;
      for (let n = path.length; n >= 0 && !node; n--) node = findNodeAtLocation(root, path.slice(0, n));
      // For an object member, point at its key, which is where people look.
      const at = node?.parent?.type === 'property' ? node.parent.offset : node?.offset;
      const line = at === undefined ? undefined : lineAt(at);
      lineCache.set(key, line);
      return line;
    },
  };
}

/** `Resources.Bucket.Properties.Tags[0]` style rendering of a path. */
export function formatPath(path: JsonPath): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg),
    '',
  );
}
