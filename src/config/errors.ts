import type { z } from 'zod';

export interface ConfigProblem {
  /** Dotted path with indices, e.g. `cameras[1].lines[0].points`; empty for the whole file. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${formatProblems(problems)}`,
    );
    this.name = 'ConfigError';
  }
}

export function formatProblems(problems: ConfigProblem[]): string {
  return problems.map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n');
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Keys whose values are never shown, not even when they have the wrong type. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['password', 'token', 'secret']);

function isSecretPath(path: readonly PropertyKey[]): boolean {
  const last = path.at(-1);
  return typeof last === 'string' && SECRET_KEYS.has(last);
}

function describe(value: unknown, secret = false): string {
  if (value === undefined) return 'nothing';
  if (secret) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    return `${what} (a secret: its value is not shown)`;
  }
  if (value === null) return 'null';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

/** Turns zod issues into one line each, with the path a technician can find in the YAML file. */
export function problemsFromZod(
  error: z.ZodError,
  knownKeys: (path: PropertyKey[]) => string[],
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of error.issues) {
    out.push(...problemsFromIssue(issue, [], knownKeys));
  }
  return out;
}

function problemsFromIssue(
  issue: z.core.$ZodIssue,
  prefix: PropertyKey[],
  knownKeys: (path: PropertyKey[]) => string[],
): ConfigProblem[] {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const hint = closest(key, knownKeys(path));
        return {
          path: formatPath([...path, key]),
          message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}`,
        };
      });
    case 'invalid_type': {
      const input = (issue as { input?: unknown }).input;
      if (input === undefined) return [{ path: formatPath(path), message: `required (${issue.expected})` }];
      return [
        {
          path: formatPath(path),
          message: `expected ${expectedName(issue.expected)}, got ${describe(input, isSecretPath(path))}`,
        },
      ];
    }
    case 'invalid_value': {
      const input = (issue as { input?: unknown }).input;
      const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return [
        {
          path: formatPath(path),
          message: `expected one of ${options}, got ${describe(input, isSecretPath(path))}`,
        },
      ];
    }
    case 'invalid_union': {
      // Report the branch that got furthest rather than a wall of alternatives.
      const branches = issue.errors.filter((b) => b.length > 0);
      const best = branches.sort((a, b) => depth(b) - depth(a))[0];
      if (best && issue.errors.length > 0)
        return best.flatMap((sub) => problemsFromIssue(sub, path, knownKeys));
      return [{ path: formatPath(path), message: issue.message }];
    }
    case 'too_big':
    case 'too_small': {
      // zod's own wording ("Too big: expected array to have <=8 items") said plainly; custom messages stay.
      if (!/^Too (big|small)/.test(issue.message))
        return [{ path: formatPath(path), message: issue.message }];
      return [{ path: formatPath(path), message: boundMessage(issue, isSecretPath(path)) }];
    }
    default:
      return [{ path: formatPath(path), message: issue.message }];
  }
}

function boundMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, secret: boolean): string {
  const big = issue.code === 'too_big';
  const bound = Number(
    big ? (issue as z.core.$ZodIssueTooBig).maximum : (issue as z.core.$ZodIssueTooSmall).minimum,
  );
  const input = (issue as { input?: unknown }).input;
  const words = big
    ? issue.inclusive
      ? 'at most'
      : 'less than'
    : issue.inclusive
      ? 'at least'
      : 'more than';
  if (issue.origin === 'array' || issue.origin === 'set') {
    const n = Array.isArray(input) ? input.length : undefined;
    return `expected ${words} ${bound} item${bound === 1 ? '' : 's'}${n === undefined ? '' : `, got ${n}`}`;
  }
  if (issue.origin === 'string') {
    const n = typeof input === 'string' ? input.length : undefined;
    return `expected ${words} ${bound} character${bound === 1 ? '' : 's'}${n === undefined ? '' : `, got ${n}`}`;
  }
  const got = input === undefined || secret ? '' : `, got ${String(input)}`;
  return `expected a value ${words} ${bound}${got}`;
}

function depth(issues: z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function expectedName(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a mapping';
  if (expected === 'tuple') return 'a list';
  return `a ${expected}`;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
