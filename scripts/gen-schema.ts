// Writes config/schema.json from the zod schema, for editors (yaml-language-server) to validate configs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText } from '../src/config/json-schema.js';

const out = fileURLToPath(new URL('../config/schema.json', import.meta.url));
writeFileSync(out, configJsonSchemaText());
console.log(`wrote ${out}`);
