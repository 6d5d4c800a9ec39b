// zod issues turned into one DrError that names the file, each field by its path (with its line when the file is
// known), the value found and the fix: what config files and environment variables both report.
import type { z } from 'zod';
import { DrError, type ErrorKind } from '../errors.js';
import type { MessageCode } from '../io/message-codes.js';
import { nearestName } from '../suggest.js';

export interface SchemaProblem {
  field: string;
  message: string;
  fix: string;
  line?: number;
  value?: unknown;
}

/** `regions.primary`, `parameters.common.AzCount`, `list[2]`. */
export function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
    '',
  );
}

function shown(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One problem per zod issue. Unknown keys become one problem each, with the nearest known key as a suggestion;
 * `knownKeys` answers which keys the object at a path accepts.
 */
export function schemaProblems(
  issues: readonly z.core.$ZodIssue[],
  fixFor: (field: string) => string,
  opts: { lineOf?: (path: (string | number)[]) => number | undefined; knownKeys?: (path: string) => string[] } = {},
): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (issue.code === 'unrecognized_keys') {
      const parent = fieldOf(path);
      for (const key of issue.keys) {
        const field = parent ? `${parent}.${key}` : key;
        const known = opts.knownKeys?.(parent) ?? [];
        const near = nearestName(key, known);
        out.push({
          field,
          message: parent === 'parameters' ? 'is not a parameter block' : 'is not a known field',
          fix: `${parent === 'parameters' ? fixFor(field) : `Remove it${known.length ? ` (known: ${known.join(', ')})` : ''}.`}${near ? ` Did you mean "${near}"?` : ''}`,
          line: opts.lineOf?.([...path, key]),
        });
      }
      continue;
    }
    const field = fieldOf(path) || '(root)';
    const input = (issue as { input?: unknown }).input;
    const missing = issue.code === 'invalid_type' && input === undefined;
    out.push({
      field,
      message: missing ? 'is missing' : `${issue.message}${input === undefined ? '' : ` (found ${shown(input)})`}`,
      fix: fixFor(field),
      line: opts.lineOf?.(path),
      ...(input === undefined ? {} : { value: input }),
    });
  }
  return out;
}

/** One error for all problems, named by the first one, so each is fixed in one go. */
export function schemaError(
  code: MessageCode,
  kind: ErrorKind,
  file: string,
  problems: SchemaProblem[],
  where: (p: SchemaProblem) => string = (p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.field}`,
): DrError {
  const first = problems[0]!;
  const message =
    problems.length === 1
      ? `${where(first)}: ${first.message}`
      : `${problems.length} problems:\n${problems.map((p) => `  - ${where(p)}: ${p.message}\n    fix: ${p.fix}`).join('\n')}`;
  return new DrError({
    code,
    kind,
    message,
    fix: first.fix,
    file,
    field: first.field,
    details: {
      problems: problems.map(({ field, message, fix, line }) => ({ field, message, fix, ...(line ? { line } : {}) })),
    },
  });
}
