import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, configJsonSchemaText } from '../../src/config/json-schema.js';

describe('config/schema.json', () => {
  it('is generated from the zod schema and up to date (run `npm run schema` after changing it)', () => {
    const committed = readFileSync(new URL('../../config/schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(configJsonSchemaText());
  });

  it('forbids unknown keys and describes the camera shape', () => {
    const schema = configJsonSchema() as {
      additionalProperties: boolean;
      properties: {
        cameras: { items: { required: string[]; anyOf: unknown[]; additionalProperties: boolean } };
      };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.cameras.items.required).toEqual(['id']);
    // A camera has its one stream (url) or streams with roles (inputs).
    expect(schema.properties.cameras.items.anyOf).toEqual([{ required: ['url'] }, { required: ['inputs'] }]);
    expect(schema.properties.cameras.items.additionalProperties).toBe(false);
  });
});
