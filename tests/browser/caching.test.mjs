// The browser app's files are compressed, named by their content and kept a
// year: a second visit downloads none of them again, and a new build's
// changed file (only that one) is fetched on the next visit.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { root, startServer, launchBrowser, clickUntil } from './harness.mjs';

// A copy of the built site that this test may change like a new build would.
const site = mkdtempSync(join(tmpdir(), 'gatehouse-site-'));
cpSync(join(root, 'target/site'), site, { recursive: true });
const data = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
const browser = await launchBrowser();
after(async () => { await browser.close(); rmSync(site, { recursive: true, force: true }); });

/** The /pkg/ files a visit of `path` fetched over the network (not from the cache), seen through CDP. */
async function networkFetches(page, base, path) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = new Map();
  cdp.on('Network.requestWillBeSent', (e) => { if (e.request.url.includes('/pkg/')) seen.set(e.requestId, { url: e.request.url }); });
  cdp.on('Network.requestServedFromCache', (e) => seen.delete(e.requestId));
  cdp.on('Network.responseReceived', (e) => {
    const r = seen.get(e.requestId);
    if (!r) return;
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromMemoryCache) { seen.delete(e.requestId); return; }
    r.status = e.response.status;
    r.encoding = e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'];
    r.cacheControl = e.response.headers['cache-control'] ?? e.response.headers['Cache-Control'];
  });
  const done = new Map();
  cdp.on('Network.loadingFinished', (e) => done.set(e.requestId, e.encodedDataLength));
  await page.goto(base + path);
  await clickUntil(page, 'button[lang="nl"]', async () => (await page.getAttribute('html', 'lang')) === 'nl');
  await page.click('button[lang="en"]');
  await page.waitForTimeout(500);
  await cdp.detach();
  return [...seen.entries()].map(([id, r]) => ({ file: r.url.replace(/^.*\/pkg\//, ''), bytes: done.get(id) ?? 0, ...r }));
}

test('a second visit downloads no browser-app file again; a new build\'s changed file is fetched, the rest is not', async () => {
  let server = await startServer({ GATEHOUSE_SITE_ROOT: site }, data);
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();

  const first = await networkFetches(page, server.base, '/');
  const names = first.map((f) => f.file).sort();
  assert.equal(names.length, 3, `the page fetches the JS glue, the wasm and the stylesheet: ${names}`);
  for (const f of first) {
    assert.match(f.file, /^gatehouse\.[0-9a-f]{16}\.(js|wasm|css)$/, 'names carry a content hash');
    assert.equal(f.status, 200);
    assert.equal(f.encoding, 'br', `${f.file} comes brotli-compressed`);
    assert.equal(f.cacheControl, 'public, max-age=31536000, immutable');
  }
  const wasm = first.find((f) => f.file.endsWith('.wasm'));
  assert.ok(wasm.bytes < readFileSync(join(site, 'pkg', 'gatehouse.wasm')).length / 2,
    'the wasm on the wire is less than half its size');

  // Second visit, and another page: nothing from /pkg/ crosses the network.
  assert.deepEqual(await networkFetches(page, server.base, '/'), [], 'second visit of the same page');
  assert.deepEqual(await networkFetches(page, server.base, '/sign-in'), [], 'another page of the same build');

  // A new build that changed only the stylesheet: the server restarts on it.
  await server.stopped();
  appendFileSync(join(site, 'pkg', 'gatehouse.css'), '\n.changed-by-the-caching-test { color: inherit; }\n');
  execFileSync('node', [join(root, 'scripts/compress.mjs'), join(site, 'pkg')], { stdio: 'ignore' });
  // Same address: the browser's cache is per origin.
  server = await startServer({ GATEHOUSE_SITE_ROOT: site, GATEHOUSE_BIND: new URL(server.base).host }, data);
  const third = await networkFetches(page, server.base, '/');
  assert.deepEqual(third.map((f) => f.file.replace(/\.[0-9a-f]{16}\./, '.')), ['gatehouse.css'],
    'only the changed stylesheet is fetched');
  assert.notEqual(third[0].file, first.find((f) => f.file.endsWith('.css')).file, 'under a new name');
  const applied = await page.evaluate(() => [...document.styleSheets].some((s) =>
    [...s.cssRules].some((r) => r.selectorText === '.changed-by-the-caching-test')));
  assert.ok(applied, 'the page uses the new stylesheet');

  // An old page's name for the changed file is gone; the plain name must be revalidated.
  const old = await page.request.get(server.base + '/pkg/' + first.find((f) => f.file.endsWith('.css')).file);
  assert.equal(old.status(), 404);
  const plain = await page.request.get(server.base + '/pkg/gatehouse.css');
  assert.equal(plain.headers()['cache-control'], 'no-cache');
  // Pages themselves are never stored.
  const html = await page.request.get(server.base + '/');
  assert.equal(html.headers()['cache-control'], 'no-store');
  await context.close();
  await server.stopped();
});
