// Names the lazily loaded chunks of the browser app by their content hash,
// the way the server (app/src/assets.rs) serves them, so a browser may cache
// each one for a year. Runs after wasm-opt, before compression.
//
// The split loader `__wasm_split.js` fetches `./<chunk>.wasm` and imports
// `initSync` from the JS glue; the glue imports the loader. Hashed names on
// both sides of that cycle cannot be computed (each name would depend on the
// other), so the loader takes `initSync` from a global that the page's
// hydration script sets (lib.rs, `HydrationScript`) and only the glue names
// the loader: chunks → loader → glue, each hash computed from final bytes.
// Usage: node scripts/link-chunks.mjs target/site.new/pkg
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const loaderPath = join(dir, '__wasm_split.js');
const gluePath = join(dir, 'gatehouse.js');
// The same 16 hex digits of SHA-256 as assets.rs `content_hash`.
const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
const fail = (msg) => {
  console.error(`link-chunks: ${msg}`);
  process.exit(1);
};

if (!existsSync(loaderPath)) fail(`${loaderPath} is missing`);
let loader = readFileSync(loaderPath, 'utf8');

const mainImport = 'import { initSync } from "./gatehouse.js";';
if (!loader.includes(mainImport)) fail(`the loader does not import initSync as expected: ${mainImport}`);
loader = loader.replace(
  mainImport,
  'const initSync = (...args) => globalThis.__gatehouseInitSync(...args);',
);

let chunks = 0;
loader = loader.replace(/"\.\/((?:split|chunk)_[A-Za-z0-9_]+)\.wasm"/g, (_, stem) => {
  const file = join(dir, `${stem}.wasm`);
  if (!existsSync(file)) fail(`the loader names ${stem}.wasm, which is not in ${dir}`);
  chunks += 1;
  return `"./${stem}.${hash(readFileSync(file))}.wasm"`;
});
writeFileSync(loaderPath, loader);

const loaderName = `__wasm_split.${hash(Buffer.from(loader))}.js`;
const glue = readFileSync(gluePath, 'utf8');
// Only the import statements: the same string is also the key the wasm
// module's imports are looked up by, which must stay as it is.
const linked = glue.replace(/^(import \* as \w+ from )"\.\/__wasm_split\.js"/gm, `$1"./${loaderName}"`);
if (linked === glue) fail('the glue does not import ./__wasm_split.js');
writeFileSync(gluePath, linked);
console.log(`linked ${chunks} chunk references; the glue imports ${loaderName}`);
