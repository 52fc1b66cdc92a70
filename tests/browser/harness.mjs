// Starts the real server binary on a free port with a fresh data folder, and
// a headless Debian Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

export const root = resolve(import.meta.dirname, '../..');
export const shots = join(root, 'target/test-output/screenshots');
mkdirSync(shots, { recursive: true });

/** Starts the server; `dir` reuses a data folder (a restart on the same data). */
export async function startServer(env = {}, dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'))) {
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
  const exited = new Promise((ok) => child.on('exit', ok));
  return { base, dir, stop: () => child.kill('SIGTERM'), stopped: () => { child.kill('SIGTERM'); return exited; } };
}

async function freePort() {
  return new Promise((ok) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => ok(port)); });
  });
}

/** Debian's aiosmtpd (installed by scripts/setup.sh) on a free port, keeping mail in a Maildir. */
export async function startSmtp() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-smtp-'));
  const child = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`,
    '-c', 'aiosmtpd.handlers.Mailbox', join(dir, 'mail')], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((ok) => {
      const s = connect(port, '127.0.0.1', () => { s.end(); ok(true); });
      s.on('error', () => ok(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const env = { GATEHOUSE_SMTP_HOST: '127.0.0.1', GATEHOUSE_SMTP_PORT: String(port),
                GATEHOUSE_SMTP_SECURITY: 'none', GATEHOUSE_SMTP_RETRY_SECONDS: '1' };
  const messages = () => {
    try {
      return readdirSync(join(dir, 'mail', 'new')).map((f) => readFileSync(join(dir, 'mail', 'new', f), 'utf8'));
    } catch { return []; }
  };
  /** Waits for a message to `to` whose subject contains `subject`; returns it decoded. */
  const waitForMail = async (to, subject, exclude = []) => {
    for (let i = 0; i < 300; i++) {
      const found = messages().map(decodeMail).find((m) => m.to.includes(to) && m.subject.includes(subject)
        && !exclude.includes(m.link));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no mail to ${to} about "${subject}"`);
  };
  return { env, messages, waitForMail, stop: () => child.kill() };
}

/** Headers, the decoded text part and the one-time link of a raw message. */
export function decodeMail(raw) {
  raw = raw.replace(/\r\n/g, '\n');
  const header = (name) => (raw.match(new RegExp(`^${name}: (.*)$`, 'm')) ?? [])[1] ?? '';
  const i = raw.indexOf('Content-Type: text/plain');
  const part = raw.slice(i);
  const sep = part.indexOf('\n\n');
  const head = part.slice(0, sep);
  let body = part.slice(sep + 2).split('\n--')[0];
  if (/Content-Transfer-Encoding: base64/i.test(head)) body = Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8');
  else if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) {
    body = Buffer.from(body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  const link = (body.match(/https?:\/\/\S+\/l\/\S+/) ?? [])[0];
  return { to: header('To'), subject: header('Subject'), text: body, link };
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
  // The address changes at once; the sign-in form stays until the next
  // screen's code has arrived.
  await page.getByTestId('sign-in-form').waitFor({ state: 'detached' });
  return page;
}

/**
 * Registers hooks that start a server (with ADMIN as first administrator) and a browser for a
 * test file; `setup(ctx)` runs once both are up (in the same hook, so the order is certain).
 */
export function serverAndBrowser(setup = async () => {}, env = {}) {
  const ctx = {};
  before(async () => {
    ctx.server = await startServer({ GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password, ...env });
    ctx.browser = await launchBrowser();
    await setup(ctx);
  });
  after(async () => {
    await ctx.browser?.close();
    ctx.server?.stop();
  });
  return ctx;
}
