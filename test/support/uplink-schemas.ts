import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ROOT } from './cli.js';

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats.default(ajv);

const cache = new Map<string, ValidateFunction>();

/** The validator of docs/schemas/<name>.v1.json (the files the IOC is given). */
export function schema(
  name: 'alert' | 'telemetry' | 'health' | 'status' | 'reply' | 'command',
): ValidateFunction {
  let v = cache.get(name);
  if (!v) {
    const json = JSON.parse(readFileSync(`${ROOT}/docs/schemas/${name}.v1.json`, 'utf8')) as object;
    v = ajv.compile(json);
    cache.set(name, v);
  }
  return v;
}

/** Throws with every schema error when `value` does not match. */
export function assertValid(name: Parameters<typeof schema>[0], value: unknown): void {
  const v = schema(name);
  if (!v(value)) {
    throw new Error(
      `${name} payload does not match docs/schemas/${name}.v1.json: ${ajv.errorsText(v.errors)}\n${JSON.stringify(value).slice(0, 2000)}`,
    );
  }
}

/**
 * Validates a message the gateway published, by topic under `prefix`: JSON payloads against their schema,
 * status as its text, evidence as a JPEG. Returns the parsed payload (Buffer for evidence).
 */
export function validateUplinkMessage(prefix: string, topic: string, payload: Buffer): unknown {
  const sub = topic.slice(prefix.length + 1);
  if (sub === 'status') {
    const text = payload.toString('utf8');
    assertValid('status', text);
    return text;
  }
  if (sub.startsWith('evidence/')) {
    if (payload[0] !== 0xff || payload[1] !== 0xd8) throw new Error(`${topic}: not a JPEG`);
    return payload;
  }
  const json = JSON.parse(payload.toString('utf8')) as unknown;
  if (sub === 'alerts') assertValid('alert', json);
  else if (sub === 'telemetry') assertValid('telemetry', json);
  else if (sub === 'health') assertValid('health', json);
  else if (/^cmd\/[^/]+\/reply$/.test(sub)) assertValid('reply', json);
  else if (/^cmd\/[^/]+$/.test(sub))
    return json; // requests: the IOC's own messages
  else throw new Error(`${topic}: a topic the gateway does not publish`);
  return json;
}
