import { z } from 'zod';
import { cameraSchema, configSchema } from './schema.js';

/** A camera has `url` or `inputs` (the zod schema checks this with a clear message; JSON Schema says it here). */
const CAMERA_STREAMS = { anyOf: [{ required: ['url'] }, { required: ['inputs'] }] };

/** JSON Schema of the config file as written (input side: units as strings, defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  const cameras = (schema.properties as Record<string, { items?: Record<string, unknown> }> | undefined)
    ?.cameras;
  if (cameras?.items) Object.assign(cameras.items, CAMERA_STREAMS);
  return {
    ...schema,
    $id: 'https://ioc-edge.local/schema/config.json',
    title: 'ioc-edge gateway configuration',
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/**
 * JSON Schema (draft-07, what Fastify's validator speaks) of one part of the config as written, for
 * request bodies: the API checks the shape before anything runs, and the zod schema, which is also
 * applied, has the last word (units, cross references).
 */
export function requestJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Record<
    string,
    unknown
  >;
  delete out.$schema;
  return schema === cameraSchema ? { ...out, ...CAMERA_STREAMS } : out;
}
