// Starts the real server binary on a free port with a fresh data folder, and
// a headless Debian Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

export const root = resolve(import.meta.dirname, '../..');
export const shots = join(root, 'target/test-output/screenshots');
mkdirSync(shots, { recursive: true });

export async function startServer(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
  const bin = process.env.GATEHOUSE_BIN ?? join(root, 'target/release/gatehouse');
  const child = spawn(bin, ['serve'], {
    cwd: root,
    env: { PATH: process.env.PATH, GATEHOUSE_BIND: '127.0.0.1:0', GATEHOUSE_DATA_DIR: dir,
           GATEHOUSE_SITE_ROOT: join(root, 'target/site'), GATEHOUSE_LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise((ok, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error('server did not start:\n' + seen)), 60_000);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/Gatehouse listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => fail(new Error(`server exited with ${code}:\n${seen}`)));
  });
  return { base, stop: () => child.kill('SIGTERM') };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that records script errors and failed requests, so a test can assert there were none. */
export async function newPage(browser, locale = 'en-US') {
  const context = await browser.newContext({ locale, viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    // Refused input is answered 4xx on purpose (401, 409, 422); Chromium logs every such load.
    if (m.type() === 'error' && !/Failed to load resource: .* status of 4\d\d/.test(m.text())) page.errors.push(m.text());
  });
  return page;
}

export async function shot(page, name) {
  const path = join(shots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Clicks until `check` holds: proves the wasm app is live (a click before hydration does nothing). */
export async function clickUntil(page, selector, check, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    await page.click(selector);
    if (await check()) return;
    await page.waitForTimeout(300);
  }
  throw new Error(`clicking ${selector} never took effect: is the page hydrated?`);
}

export const ADMIN = { email: 'admin@example.com', password: 'browser-test-passphrase' };

/** A new page signed in as ADMIN through the sign-in form, landed on `next`. */
export async function adminPage(ctx, next = '/admin/users') {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.server.base + '/sign-in?next=' + next);
  // Wait for hydration so the form is submitted by the app, not as a plain POST.
  await clickUntil(page, 'button[lang="nl"]', async () => (await page.getAttribute('html', 'lang')) === 'nl');
  await page.click('button[lang="en"]');
  await page.fill('#email', ADMIN.email);
  await page.fill('#password', ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(ctx.server.base + next);
  return page;
}

/**
 * Registers hooks that start a server (with ADMIN as first administrator) and a browser for a
 * test file; `setup(ctx)` runs once both are up (in the same hook, so the order is certain).
 */
export function serverAndBrowser(setup = async () => {}) {
  const ctx = {};
  before(async () => {
    ctx.server = await startServer({ GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password });
    ctx.browser = await launchBrowser();
    await setup(ctx);
  });
  after(async () => {
    await ctx.browser?.close();
    ctx.server?.stop();
  });
  return ctx;
}
