/** A path into parsed JSON, split once at configuration time. */
export type CompiledPath = readonly string[];

export function compilePath(path: string | readonly string[]): CompiledPath {
  return typeof path === 'string' ? path.split('.') : [...path];
}

/** The value at `path` below `root`, or undefined when any step is missing or not an object. */
export function getPath(root: unknown, path: CompiledPath): unknown {
  let v = root;
  for (let i = 0; i < path.length; i++) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[path[i]!];
  }
  return v;
}

export function pathText(path: CompiledPath): string {
  return path.join('.');
}
