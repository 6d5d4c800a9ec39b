// Regenerates schemas/environment-config.schema.json from the config's zod schema and the templates' parameters.
// Run after changing either (npm run schema); a test fails while the committed file is out of date.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadLayerTemplates } from '../src/templates/catalog.js';
import { CONFIG_SCHEMA_FILE, configJsonSchemaText } from '../src/plan/config-json-schema.js';

const root = process.cwd();
await writeFile(path.join(root, CONFIG_SCHEMA_FILE), configJsonSchemaText(await loadLayerTemplates(root)));
console.log(`wrote ${CONFIG_SCHEMA_FILE}`);
