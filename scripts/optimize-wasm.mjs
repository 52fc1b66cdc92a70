// Optimises every .wasm file of a folder for size (what `wasm-opt -Oz` does),
// in one process: the split browser app has a hundred chunks, and starting
// the wasm-opt command once per file cost two seconds each.
// npm binaryen only: Debian's binaryen 108 silently breaks hydration.
// Usage: node scripts/optimize-wasm.mjs target/site.new/pkg
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import binaryen from '../tests/browser/node_modules/binaryen/index.js';

const dir = process.argv[2];
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2); // -Oz
binaryen.setDebugInfo(false); // drop the names section
const features =
  binaryen.Features.MVP |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.SignExt |
  binaryen.Features.MutableGlobals |
  binaryen.Features.ReferenceTypes |
  binaryen.Features.Multivalue;

let before = 0;
let after = 0;
const files = readdirSync(dir).filter((n) => n.endsWith('.wasm'));
for (const name of files) {
  const path = join(dir, name);
  const raw = readFileSync(path);
  const mod = binaryen.readBinary(raw);
  mod.setFeatures(features);
  mod.optimize();
  const out = mod.emitBinary();
  mod.dispose();
  writeFileSync(path, out);
  before += raw.length;
  after += out.length;
}
console.log(`optimised ${files.length} wasm files: ${before} → ${after} bytes`);
