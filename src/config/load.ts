import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { type EnvProblem, substituteEnv } from './env.js';
import { ConfigError, type ConfigProblem, formatPath, problemsFromZod } from './errors.js';
import { type Config, configSchema } from './schema.js';

/** Config after validation, with every path made absolute. */
export type ResolvedConfig = Config & {
  /** Absolute path of the file the config came from. */
  source: string;
  dataDir: string;
  store: { path: string };
  models: { dir: string };
};

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** Relative paths in the config resolve against this directory (default: the process cwd). */
  cwd?: string;
}

export function loadConfigFile(file: string, options: LoadOptions = {}): ResolvedConfig {
  const abs = resolve(options.cwd ?? process.cwd(), file);
  let text: string;
  try {
    const fd = openSync(abs, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > MAX_CONFIG_BYTES) throw new ConfigError(abs, [tooLarge(size)]);
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new ConfigError(abs, [{ path: '', message: `cannot read config: ${why}` }]);
  }
  return parseConfigText(text, abs, options);
}

/**
 * A config is a few kB per camera: 1 MiB holds every camera a box can run many times over. Larger input
 * is refused before it is parsed (a 10 MB file used to take 19 s and 1.3 GB to validate).
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function tooLarge(bytes: number): ConfigProblem {
  return {
    path: '',
    message: `the config is ${(bytes / 1024 / 1024).toFixed(1)} MiB: at most ${MAX_CONFIG_BYTES / 1024 / 1024} MiB is read`,
  };
}

export function parseConfigText(text: string, file: string, options: LoadOptions = {}): ResolvedConfig {
  // UTF-8 takes at least one byte a UTF-16 unit: a longer string is surely too large.
  if (text.length > MAX_CONFIG_BYTES || Buffer.byteLength(text) > MAX_CONFIG_BYTES)
    throw new ConfigError(file, [tooLarge(Buffer.byteLength(text))]);
  const lines = new LineCounter();
  const refs = protectReferences(text);
  const doc = parseDocument(refs.text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { path: '', message: `YAML line ${pos.line} column ${pos.col}: ${e.message}` };
      }),
    );
  }
  if (!isMap(doc.contents)) {
    throw new ConfigError(file, [
      { path: '', message: 'expected a mapping of settings at the top of the file' },
    ]);
  }
  let tree: unknown;
  try {
    tree = doc.toJS();
  } catch (err) {
    // Aliases are resolved here: an undefined one, or an alias bomb past the library's alias count.
    throw new ConfigError(file, [{ path: '', message: `YAML: ${(err as Error).message}` }]);
  }
  const raw = refs.restore(tree);

  const env: Record<string, string | undefined> = {
    CONFIG_DIR: dirname(file),
    ...(options.env ?? process.env),
  };
  const envProblems: EnvProblem[] = [];
  const substituted = substituteEnv(raw, env, envProblems);

  const problems: ConfigProblem[] = envProblems.map((p) => ({
    path: formatPath(p.path),
    message: p.message,
  }));
  const parsed = configSchema.safeParse(substituted, { reportInput: true });
  if (!parsed.success) problems.push(...problemsFromZod(parsed.error, knownKeysAt));
  if (problems.length > 0) throw new ConfigError(file, dedupe(problems));
  if (!parsed.success) throw new Error('unreachable');

  const cwd = options.cwd ?? process.cwd();
  const cfg = parsed.data;
  const dataDir = resolve(cwd, cfg.dataDir);
  const storePath = resolve(dataDir, cfg.store.path ?? 'ioc-edge.db');
  const modelsDir = resolve(cwd, cfg.models.dir ?? env.IOC_EDGE_MODELS ?? 'models');
  const resolved: ResolvedConfig = {
    ...cfg,
    source: file,
    dataDir,
    store: { path: storePath },
    models: { dir: modelsDir },
  };
  resolved.detector.model = resolveIn(modelsDir, cfg.detector.model);
  resolved.detector.labels = resolveIn(modelsDir, cfg.detector.labels);
  if (cfg.influx.spool.path) resolved.influx.spool.path = resolve(dataDir, cfg.influx.spool.path);
  const tls = resolved.uplink.mqtt?.tls;
  if (tls) for (const k of ['ca', 'cert', 'key'] as const) if (tls[k]) tls[k] = resolve(cwd, tls[k]);
  const hook = resolved.uplink.webhook;
  if (hook?.ca) hook.ca = resolve(cwd, hook.ca);
  return resolved;
}

const REFERENCE = /(?<!\$)\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}\n]*)?\}/g;

/**
 * `${VAR}` references swapped for plain-word placeholders before the YAML is parsed, and put back in the
 * parsed values: `{ secret: ${WEBHOOK_SECRET} }` is valid in a flow mapping although `{` and `}` end plain
 * scalars there. Substitution itself still happens after parsing (substituteEnv).
 */
function protectReferences(text: string): { text: string; restore: (tree: unknown) => unknown } {
  const found: string[] = [];
  let tag = 'iocenvref';
  while (text.includes(tag)) tag += 'x';
  const protectedText = text.replace(REFERENCE, (ref) => `${tag}${found.push(ref) - 1}${tag}`);
  if (found.length === 0) return { text, restore: (tree) => tree };
  const back = new RegExp(`${tag}(\\d+)${tag}`, 'g');
  const restoreString = (v: string) => v.replace(back, (_, i: string) => found[Number(i)]!);
  const restore = (tree: unknown): unknown => {
    if (typeof tree === 'string') return restoreString(tree);
    if (Array.isArray(tree)) return tree.map(restore);
    if (tree && typeof tree === 'object') {
      return Object.fromEntries(Object.entries(tree).map(([k, v]) => [restoreString(k), restore(v)]));
    }
    return tree;
  };
  return { text: protectedText, restore };
}

function resolveIn(dir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dir, p);
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Keys the schema allows at a path, for "did you mean" hints on unknown keys. */
function knownKeysAt(path: PropertyKey[]): string[] {
  let node: z.ZodType | undefined = configSchema as unknown as z.ZodType;
  for (const key of path) {
    node = unwrap(node);
    if (!node) return [];
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(key)];
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return [];
  }
  node = unwrap(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function unwrap(node: z.ZodType | undefined): z.ZodType | undefined {
  let n = node;
  for (let i = 0; i < 10 && n; i++) {
    const def = (n as unknown as { def: { innerType?: z.ZodType; in?: z.ZodType; schema?: z.ZodType } }).def;
    const next = def.innerType ?? def.in ?? def.schema;
    if (!next || n instanceof z.ZodObject) break;
    n = next;
  }
  return n;
}
