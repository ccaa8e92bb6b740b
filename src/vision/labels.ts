import { readFileSync } from 'node:fs';

/** Reads a JSON array of class names in model order. */
export function loadLabels(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`labels file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`labels file ${file}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new Error(`labels file ${file}: expected a non-empty JSON array of class names`);
  }
  return value;
}
