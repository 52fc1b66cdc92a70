// Browser benchmark: what a person's browser transfers and how long until the
// page answers a click, for the portal home, sign-in, the admin dashboard and
// the users list; with a cold and a warm cache; on loopback and on an
// emulated slow-4G link (CDP: 150 ms round trip, 1.6 Mbit/s down, 675 kbit/s up).
//
// "Answers a click": a script installed before the page loads clicks the
// "Nederlands" button every 10 ms; the time is when the page turns Dutch,
// which only the hydrated app does. Bytes are what crossed the wire
// (encodedDataLength: headers and compressed bodies), counted per request
// from navigation until that moment plus a quiet second.
//
// Prints figures; asserts nothing about time. Usage (after scripts/build.sh):
//   node tests/browser/bench-pages.mjs [runs]      (default 3 runs, the median is shown)
import { startServer, launchBrowser, ADMIN } from './harness.mjs';

const runs = Number(process.argv[2] ?? 3);
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1_638_400 / 8, uploadThroughput: 675_000 / 8 };
const LINKS = { loopback: null, 'slow 4G': SLOW_4G };
const PAGES = [
  { name: 'portal home', path: '/', admin: false },
  { name: 'sign-in', path: '/sign-in', admin: false },
  { name: 'admin dashboard', path: '/admin', admin: true },
  { name: 'users list', path: '/admin/users', admin: true },
];

const CLICKER = () => {
  // Runs in the page before its own scripts.
  window.__answered = null;
  const t = setInterval(() => {
    if (document.documentElement.lang === 'nl') {
      window.__answered = performance.now();
      clearInterval(t);
      return;
    }
    document.querySelector('button[lang="nl"]')?.click();
  }, 10);
};

async function signIn(context, base) {
  // The session cookie, through the same server function the sign-in form calls.
  const res = await context.request.post(base + '/api/sign_in', {
    form: { email: ADMIN.email, password: ADMIN.password, next: '/admin' },
    headers: { Accept: 'application/json' },
    maxRedirects: 0,
  });
  if (res.status() >= 400) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
}

/** One visit: bytes, requests and time until the page answered a click. */
async function visit(page, cdp, url) {
  const requests = new Map();
  const onSent = (e) => requests.set(e.requestId, { url: e.request.url, bytes: 0, cached: false });
  const onCache = (e) => { const r = requests.get(e.requestId); if (r) r.cached = true; };
  const onResponse = (e) => {
    const r = requests.get(e.requestId);
    if (r && (e.response.fromDiskCache || e.response.fromMemoryCache || e.response.fromPrefetchCache)) r.cached = true;
  };
  const onDone = (e) => { const r = requests.get(e.requestId); if (r) r.bytes = e.encodedDataLength; };
  cdp.on('Network.requestWillBeSent', onSent);
  cdp.on('Network.requestServedFromCache', onCache);
  cdp.on('Network.loadingFinished', onDone);
  cdp.on('Network.responseReceived', onResponse);
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__answered !== null, null, { timeout: 120_000, polling: 20 });
  const answered = await page.evaluate(() => window.__answered);
  await page.waitForTimeout(1000);
  cdp.off('Network.requestWillBeSent', onSent);
  cdp.off('Network.requestServedFromCache', onCache);
  cdp.off('Network.loadingFinished', onDone);
  cdp.off('Network.responseReceived', onResponse);
  const onWire = [...requests.values()].filter((r) => !r.cached && !r.url.startsWith('data:'));
  return {
    bytes: onWire.reduce((n, r) => n + r.bytes, 0),
    requests: onWire.length,
    seconds: answered / 1000,
    assets: onWire.filter((r) => r.url.includes('/pkg/')).map((r) => r.url.replace(/^.*\/pkg\//, '')),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer({ GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password });
const browser = await launchBrowser();
const rows = [];
try {
  for (const [linkName, conditions] of Object.entries(LINKS)) {
    for (const p of PAGES) {
      const cold = [], warm = [];
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 800 } });
        if (p.admin) await signIn(context, server.base);
        await context.addInitScript(CLICKER);
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.clearBrowserCache');
        if (conditions) await cdp.send('Network.emulateNetworkConditions', conditions);
        cold.push(await visit(page, cdp, server.base + p.path));
        // The second visit: a new navigation in the same browser profile.
        // The language choice is a cookie: go back to English first.
        await context.clearCookies({ name: 'gatehouse_lang' });
        warm.push(await visit(page, cdp, server.base + p.path));
        await context.close();
      }
      for (const [cache, xs] of [['cold', cold], ['warm', warm]]) {
        rows.push({
          page: p.name, link: linkName, cache,
          kb: median(xs.map((x) => x.bytes)) / 1024,
          requests: median(xs.map((x) => x.requests)),
          seconds: median(xs.map((x) => x.seconds)),
          assets: summarise(xs[0].assets),
        });
      }
    }
  }
} finally {
  await browser.close();
  server.stop();
}

console.log(`\nmedian of ${runs} runs; KB = 1024 bytes on the wire (headers included)\n`);
/** `gatehouse.1a2b….wasm chunk_3.….wasm split_portal.….wasm` → `gatehouse.{css,js,wasm}, loader, split_portal, 1 shared chunk` */
function summarise(files) {
  if (files.length === 0) return '(none)';
  const plain = files.map((f) => f.replace(/\.[0-9a-f]{16}\./, '.'));
  const app = plain.filter((f) => f.startsWith('gatehouse.')).map((f) => f.slice('gatehouse.'.length)).sort();
  const parts = [];
  if (app.length) parts.push(`gatehouse.{${app.join(',')}}`);
  if (plain.includes('__wasm_split.js')) parts.push('chunk loader');
  parts.push(...plain.filter((f) => f.startsWith('split_')).map((f) => f.replace(/\.wasm$/, '')));
  const shared = plain.filter((f) => f.startsWith('chunk_')).length;
  if (shared) parts.push(`${shared} shared chunk${shared === 1 ? '' : 's'}`);
  return parts.join(', ');
}

console.log('| page | link | cache | KB on the wire | requests | answers a click after | browser-app files fetched |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.page} | ${r.link} | ${r.cache} | ${r.kb.toFixed(1)} | ${r.requests} | ${r.seconds.toFixed(2)} s | ${r.assets || '(none)'} |`);
}
