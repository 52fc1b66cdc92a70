// Writes a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside each
// file of the given folders (not recursively), for the server to send to
// browsers that accept them. Node's zlib has both: no other tool needed.
// Usage: node scripts/compress.mjs target/site/pkg [...]
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

for (const dir of process.argv.slice(2)) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (/\.(br|gz)$/.test(name) || !statSync(path).isFile()) continue;
    const raw = readFileSync(path);
    const br = brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_LGWIN]: 24,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    const gz = gzipSync(raw, { level: 9 });
    writeFileSync(path + '.br', br);
    writeFileSync(path + '.gz', gz);
    console.log(`compressed ${name}: ${raw.length} bytes, brotli ${br.length}, gzip ${gz.length}`);
  }
}
