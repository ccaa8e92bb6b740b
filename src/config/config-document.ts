import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { ApplyOutcome } from './apply-outcome.js';
import type { ResolvedConfig } from './load.js';

/** The config file as a YAML document: edits keep its comments, layout and `${VAR}` references. */
export type ConfigPath = readonly (string | number)[];

/**
 * Changes the config through the box's one apply path (validate, restart on it, roll back if what it
 * names does not come up) by editing the file's text, never the resolved values: secrets stay `${VAR}`
 * references and the technician's comments stay where they were.
 */
export interface ConfigEditor {
  /** The config running now. */
  current(): ResolvedConfig;
  /** The config file as written (the `${VAR}` references unresolved). */
  text(): string;
  /** Changes values in the file (see ConfigChange) and applies the result. */
  edit(changes: readonly ConfigChange[], origin: string): Promise<ApplyOutcome>;
  /** Applies a whole new config text. */
  apply(text: string, origin: string): Promise<ApplyOutcome>;
}

export interface ConfigChange {
  path: ConfigPath;
  /** `set` (default) puts `value` at `path`; `delete` removes it; `append` adds `value` to the list there. */
  op?: 'set' | 'delete' | 'append';
  value?: unknown;
}

/** Applies `changes` to a YAML config text; the rest of the file is kept as it was. */
export function editConfigText(text: string, changes: readonly ConfigChange[]): string {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new Error(`the config file does not parse: ${doc.errors[0]!.message}`);
  for (const c of changes) {
    const path = c.path as (string | number)[];
    if (c.op === 'delete') {
      doc.deleteIn(path);
      continue;
    }
    const node = doc.createNode(c.value);
    compactLists(node);
    if (c.op === 'append' && doc.hasIn(path)) doc.addIn(path, node);
    else if (c.op === 'append') doc.setIn(path, doc.createNode([node]));
    else doc.setIn(path, node);
  }
  return doc.toString({ lineWidth: 0 });
}

/** Lists of plain values (points, polygons, direction names) read best on one line, as a technician writes them. */
function compactLists(node: unknown): void {
  if (isMap(node)) for (const pair of node.items) compactLists(pair.value);
  if (!isSeq(node)) return;
  for (const item of node.items) compactLists(item);
  if (node.items.every((i) => isScalar(i) || (isSeq(i) && i.flow))) node.flow = true;
}

/** The file's value at a path as plain data (undefined when absent). */
export function valueIn(text: string, path: ConfigPath): unknown {
  const doc = parseDocument(text);
  const node = doc.getIn(path as (string | number)[], true);
  if (node === undefined || node === null) return undefined;
  if (isMap(node) || isSeq(node) || isScalar(node)) return node.toJSON();
  return node;
}

/** Index of the camera with this id in the file's `cameras` list, or -1. */
export function cameraIndex(text: string, id: string): number {
  const cams = valueIn(text, ['cameras']);
  if (!Array.isArray(cams)) return -1;
  return cams.findIndex((c) => c && typeof c === 'object' && (c as { id?: unknown }).id === id);
}

/** A ConfigEditor over the config file of a running box: reads the file, edits it, applies through `control`. */
export function fileConfigEditor(control: {
  readonly config: ResolvedConfig;
  apply(text: string, origin: string): Promise<ApplyOutcome>;
}): ConfigEditor {
  const text = () => readFileSync(control.config.source, 'utf8');
  return {
    current: () => control.config,
    text,
    apply: (t, origin) => control.apply(t, origin),
    edit: (changes, origin) => control.apply(editConfigText(text(), changes), origin),
  };
}
