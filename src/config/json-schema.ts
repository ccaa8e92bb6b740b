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
