import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CLIENT_SCHEMA_FILE, clientSchemaSource } from '../client-schema.js';

// `npm run generate:client`: rewrite the typed client's types from the route table.
const target = fileURLToPath(new URL(`../../../${CLIENT_SCHEMA_FILE}`, import.meta.url));
writeFileSync(target, await clientSchemaSource());
console.log(`wrote ${CLIENT_SCHEMA_FILE}`);
