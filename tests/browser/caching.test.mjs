// The browser app's files are compressed, named by their content and kept a
// year: a second visit downloads none of them again, and a new build's
// changed file (only that one) is fetched on the next visit.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ADMIN, root, startServer, launchBrowser, clickUntil, shot } from './harness.mjs';

// A copy of the built site that this test may change like a new build would.
const site = mkdtempSync(join(tmpdir(), 'gatehouse-site-'));
cpSync(join(root, 'target/site'), site, { recursive: true });
const data = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
const browser = await launchBrowser();
after(async () => { await browser.close(); rmSync(site, { recursive: true, force: true }); });

/** Records the /pkg/ files fetched over the network (not from the cache), seen through CDP. */
async function recorder(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let seen = new Map();
  const done = new Map();
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
  cdp.on('Network.loadingFinished', (e) => done.set(e.requestId, e.encodedDataLength));
  return {
    /** What was fetched since the last call. */
    take() {
      const out = [...seen.entries()].map(([id, r]) => ({ file: r.url.replace(/^.*\/pkg\//, ''), bytes: done.get(id) ?? 0, ...r }));
      seen = new Map();
      return out;
    },
    detach: () => cdp.detach(),
  };
}

/** Waits until the page's app answers a click (the language switch). */
async function live(page) {
  await clickUntil(page, 'button[lang="nl"]', async () => (await page.getAttribute('html', 'lang')) === 'nl');
  await page.click('button[lang="en"]');
  await page.waitForTimeout(300);
}

/** The /pkg/ files a visit of `path` fetched over the network. */
async function networkFetches(page, base, path) {
  const rec = await recorder(page);
  await page.goto(base + path);
  await live(page);
  const out = rec.take();
  await rec.detach();
  return out;
}

/** Runs `fn({ server, page })` against a server on the test's site, in a new browser context; cleans up after. */
async function withPage(env, dir, fn) {
  const server = await startServer({ GATEHOUSE_SITE_ROOT: site, ...env }, dir);
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    await fn({ server, page: await context.newPage() });
  } finally {
    await context.close();
    await server.stopped();
  }
}

/** The requests for the account screens' own code. */
const accountCode = /\/pkg\/split_account\./;

/** `split_portal.0123456789abcdef.wasm` → `split_portal.wasm` */
const plain = (file) => file.replace(/\.[0-9a-f]{16}\./, '.');
/** The lazily loaded areas among fetched files (`split_<area>.wasm`; `chunk_*` files are code areas share). */
const areas = (files) => files.map((f) => plain(f.file)).filter((n) => n.startsWith('split_'))
  .map((n) => n.replace(/^split_|\.wasm$/g, '')).sort();

test('a second visit downloads no browser-app file again; a new build\'s changed file is fetched, the rest is not', async () => {
  let server = await startServer({ GATEHOUSE_SITE_ROOT: site }, data);
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();

  const first = await networkFetches(page, server.base, '/');
  const names = first.map((f) => plain(f.file));
  for (const want of ['gatehouse.js', 'gatehouse.wasm', 'gatehouse.css', '__wasm_split.js', 'split_portal.wasm']) {
    assert.ok(names.includes(want), `the portal home fetches ${want}: ${names}`);
  }
  assert.deepEqual(areas(first), ['portal'], 'only the portal\'s own screens are fetched');
  assert.equal(new Set(names).size, names.length, `each file is fetched once (the page's preloads are used): ${names}`);
  for (const f of first) {
    assert.match(f.file, /^[A-Za-z0-9_]+\.[0-9a-f]{16}\.(js|wasm|css)$/, 'names carry a content hash');
    assert.equal(f.status, 200);
    assert.equal(f.encoding, 'br', `${f.file} comes brotli-compressed`);
    assert.equal(f.cacheControl, 'public, max-age=31536000, immutable');
  }
  const wasm = first.find((f) => plain(f.file) === 'gatehouse.wasm');
  assert.ok(wasm.bytes < readFileSync(join(site, 'pkg', 'gatehouse.wasm')).length / 2,
    'the wasm on the wire is less than half its size');

  // Second visit: nothing from /pkg/ crosses the network.
  assert.deepEqual(await networkFetches(page, server.base, '/'), [], 'second visit of the same page');
  // A page of another area fetches that area's code, nothing else.
  const signIn = await networkFetches(page, server.base, '/sign-in');
  assert.deepEqual(areas(signIn), ['account'], 'the sign-in page fetches the account screens');
  assert.deepEqual(signIn.filter((f) => !/^(split_account|chunk_\d+)\./.test(f.file)), [],
    'and nothing the portal home already fetched');
  assert.deepEqual(await networkFetches(page, server.base, '/forgot-password'), [], 'another account page: nothing');

  // A new build that changed only the stylesheet: the server restarts on it.
  await server.stopped();
  appendFileSync(join(site, 'pkg', 'gatehouse.css'), '\n.changed-by-the-caching-test { color: inherit; }\n');
  execFileSync('node', [join(root, 'scripts/compress.mjs'), join(site, 'pkg')], { stdio: 'ignore' });
  // Same address: the browser's cache is per origin.
  server = await startServer({ GATEHOUSE_SITE_ROOT: site, GATEHOUSE_BIND: new URL(server.base).host }, data);
  const third = await networkFetches(page, server.base, '/');
  assert.deepEqual(third.map((f) => plain(f.file)), ['gatehouse.css'],
    'only the changed stylesheet is fetched');
  assert.notEqual(third[0].file, first.find((f) => f.file.endsWith('.css')).file, 'under a new name');
  const applied = await page.evaluate(() => [...document.styleSheets].some((s) =>
    [...s.cssRules].some((r) => r.selectorText === '.changed-by-the-caching-test')));
  assert.ok(applied, 'the page uses the new stylesheet');

  // An old page's name for the changed file is gone; the plain name must be revalidated.
  const old = await page.request.get(server.base + '/pkg/' + first.find((f) => f.file.endsWith('.css')).file);
  assert.equal(old.status(), 404);
  const unhashed = await page.request.get(server.base + '/pkg/gatehouse.css');
  assert.equal(unhashed.headers()['cache-control'], 'no-cache');
  // Pages themselves are never stored.
  const html = await page.request.get(server.base + '/');
  assert.equal(html.headers()['cache-control'], 'no-store');
  await context.close();
  await server.stopped();
});

test('code is split by area: a visitor never fetches an administrator screen; each admin area is fetched when first opened', async () => {
  await withPage({ GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password }, undefined, async ({ server, page }) => {
    const rec = await recorder(page);
    await page.goto(server.base + '/sign-in?next=/admin');
    await live(page);
    const signIn = rec.take();
    assert.deepEqual(areas(signIn), ['account'], 'the sign-in page fetches the account screens only');

    await page.fill('#email', ADMIN.email);
    await page.fill('#password', ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(server.base + '/admin');
    await page.getByTestId('sign-in-form').waitFor({ state: 'detached' });
    const dashboard = rec.take();
    assert.deepEqual(areas(dashboard), ['admin_home'], 'the dashboard fetches its own code');
    assert.ok(!dashboard.some((f) => plain(f.file).startsWith('gatehouse.')), 'the app itself is not fetched again');

    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByTestId('users-table').waitFor();
    assert.deepEqual(areas(rec.take()), ['admin_users'], 'opening Users fetches the users screens');

    await page.getByRole('link', { name: 'Groups', exact: true }).click();
    await page.waitForURL(server.base + '/admin/groups');
    await page.getByRole('heading', { name: 'Groups' }).waitFor();
    assert.deepEqual(areas(rec.take()), ['admin_groups'], 'opening Groups fetches the groups screens');

    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByTestId('users-table').waitFor();
    assert.deepEqual(rec.take(), [], 'going back to Users fetches nothing');
    await rec.detach();
  });
});

test('a screen whose code cannot be fetched says so and offers a retry that works', async () => {
  await withPage({}, data, async ({ server, page }) => {
    await page.goto(server.base + '/');
    await live(page);
    // The network drops the account screens' code.
    await page.route(accountCode, (route) => route.abort('internetdisconnected'));
    await page.getByRole('link', { name: 'Sign in' }).first().click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /could not be loaded/);
    await shot(page, '120-screen-code-failed');
    // The app still runs: the language switch answers.
    await page.click('button[lang="nl"]');
    await page.waitForFunction(() => document.documentElement.lang === 'nl');
    await page.click('button[lang="en"]');
    // The connection is back: Retry shows the screen.
    await page.unroute(accountCode);
    await alert.getByRole('button', { name: 'Retry' }).click();
    await page.getByTestId('sign-in-form').waitFor();
    await live(page);
  });
});

test('when the first screen\'s code cannot be fetched, the page stays readable and says so with a retry', async () => {
  await withPage({}, data, async ({ server, page }) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route(accountCode, (route) => route.abort('internetdisconnected'));
    await page.goto(server.base + '/sign-in');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /could not be loaded/);
    assert.equal(await page.getByTestId('sign-in-form').count(), 1, 'the server\'s page is still there');
    assert.deepEqual(errors.filter((e) => /panicked|unreachable/.test(e)), [], 'the app did not crash');
    await shot(page, '121-first-screen-code-failed');
    await page.unroute(accountCode);
    await alert.getByRole('button', { name: 'Retry' }).click();
    await page.getByTestId('sign-in-form').waitFor();
    await live(page);
    assert.equal(await page.getByRole('alert').count(), 0, 'after the retry the message is gone');
  });
});
