// Delegation in a real browser: an administrator sets the delegate site
// under Settings and sees the validation key once; a visitor's Sign in then
// goes to the delegate site with APIM's signed parameters, which the site
// checks as APIM's sample does; administrators keep /sign-in?local.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { adminPage, newPage, serverAndBrowser, shot } from './harness.mjs';

let ctx, server, admin, site, siteUrl, key;
const seen = [];

ctx = serverAndBrowser(async (c) => {
  server = c.server;
  admin = await adminPage(c, '/admin/settings');
  // The delegate site: records what it was sent and says whether the
  // signature over salt + "\n" + returnUrl checks out under the key.
  site = createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname !== '/delegate') { res.writeHead(404); res.end(); return; }
    const p = Object.fromEntries(u.searchParams);
    const sig = key && createHmac('sha512', Buffer.from(key, 'base64')).update(`${p.salt}\n${p.returnUrl}`).digest('base64');
    seen.push({ ...p, valid: sig === p.sig });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><title>Delegate</title><h1>Our own sign-in page</h1><p>${p.operation} ${sig === p.sig ? 'signed by Gatehouse' : 'NOT signed'}</p></html>`);
  });
  await new Promise((ok) => site.listen(0, '127.0.0.1', ok));
  siteUrl = `http://127.0.0.1:${site.address().port}/delegate`;
});
after(() => site?.close());

test('an administrator delegates sign-in and sees the validation key once', async () => {
  await admin.goto(server.base + '/admin/settings');
  const card = admin.getByTestId('delegation');
  await card.locator('#delegation-url').waitFor();
  await card.locator('#delegation-url').fill(siteUrl);
  await card.getByLabel('Sign-in and sign-up go to the delegate site').check();
  await card.getByRole('button', { name: 'Save' }).click();
  const shown = card.getByTestId('validation-key');
  await shown.waitFor();
  key = (await shown.locator('code').textContent()).trim();
  assert.equal(Buffer.from(key, 'base64').length, 64);
  await card.getByText('Validation key: set').waitFor();
  await shot(admin, '176-settings-delegation');
  assert.deepEqual(admin.errors, []);
});

test('a visitor\'s sign-in goes to the delegate site, signed; administrators keep the local page', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(server.base + '/');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByText('Our own sign-in page').waitFor();
  await page.getByText('SignIn signed by Gatehouse').waitFor();
  const last = seen.at(-1);
  assert.equal(last.operation, 'SignIn');
  assert.equal(last.returnUrl, '/');
  assert.equal(last.valid, true);
  await page.goto(server.base + '/sign-in?local');
  await page.locator('#email').waitFor();
  await shot(page, '177-local-sign-in-with-delegation');
});
