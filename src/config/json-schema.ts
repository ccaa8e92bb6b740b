import { z } from 'zod';
import { configSchema } from './schema.js';

/** JSON Schema of the config file as written (input side: units as strings, defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
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
  return out;
}
