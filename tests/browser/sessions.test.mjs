// Sessions, last sign-in and closing one's account in a real browser: a
// developer signed in on two browsers sees both on the profile and ends the
// other; an administrator sees the last sign-in in the users list, filters
// the accounts not signed in for a month, and signs the developer out
// everywhere from the user page; the developer closes the account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, clickUntil, newPage, serverAndBrowser, shot } from './harness.mjs';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0';
const DEV = { email: 'dev@example.com', password: 'developer password' };
let ctx, server, admin, dev, devUid;

ctx = serverAndBrowser(async (c) => {
  server = c.server;
  admin = await adminPage(c, '/admin/users');
});

/** Signs `page` in as the developer through the form, landing on `next`. */
async function signIn(page, next) {
  await page.goto(server.base + '/sign-in?next=' + next);
  await clickUntil(page, 'button[lang="nl"]', async () => (await page.getAttribute('html', 'lang')) === 'nl');
  await page.click('button[lang="en"]');
  await page.fill('#email', DEV.email);
  await page.fill('#password', DEV.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(server.base + next);
  await page.getByTestId('sign-in-form').waitFor({ state: 'detached' });
}

test('arrange: a developer', async () => {
  const res = await admin.request.post(server.base + '/api/admin/users/create', {
    form: { email: DEV.email, first_name: 'Dee', last_name: 'Veloper', password: DEV.password, note: '' },
    headers: { origin: server.base },
  });
  assert.ok(res.ok(), await res.text());
  devUid = await res.json();
});

test('a developer sees where the account is signed in and ends another session', async () => {
  // A second browser first, so the profile's own session is the newer one.
  const other = await ctx.browser.newContext({ userAgent: FIREFOX, viewport: { width: 1200, height: 800 } });
  const firefox = await other.newPage();
  await signIn(firefox, '/profile');
  dev = await newPage(ctx.browser);
  await signIn(dev, '/profile');
  const table = dev.getByTestId('sessions-table');
  await table.waitFor();
  const rows = table.locator('tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), /Chromium \(headless\) on Linux\s*This session.*127\.0\.0\.1/s);
  assert.match(await rows.nth(1).textContent(), /Firefox on Linux.*127\.0\.0\.1/s);
  await shot(dev, '160-profile-sessions');
  await rows.nth(1).getByRole('button', { name: 'End session' }).click();
  await dev.getByText('The session has ended.').waitFor();
  assert.equal(await rows.count(), 1);
  // The other browser is signed out: its next page asks it to sign in.
  await firefox.goto(server.base + '/profile');
  await firefox.waitForURL(/\/sign-in/);
  await other.close();
  assert.deepEqual(dev.errors, []);
});

test('an administrator sees last sign-ins, finds idle accounts and signs one out everywhere', async () => {
  await admin.goto(server.base + '/admin/users');
  const devRow = admin.getByTestId('users-table').locator('tbody tr', { hasText: DEV.email });
  await devRow.waitFor();
  const today = new Date().toISOString().slice(0, 10);
  assert.match(await devRow.textContent(), new RegExp(`${today}\\s*$`), 'the last sign-in is today');
  await admin.selectOption('#inactive-filter', '30');
  await clickUntil(admin, 'form[role="search"] button[type="submit"]', async () => admin.url().includes('inactive=30'));
  await admin.getByText('No accounts match this search and these filters.').waitFor();
  await shot(admin, '161-users-not-signed-in-for-30-days');

  await admin.goto(server.base + `/admin/users/${devUid}`);
  const card = admin.getByTestId('sessions');
  await card.getByTestId('sessions-table').waitFor();
  assert.match(await admin.getByTestId('last-sign-in').textContent(), new RegExp(today));
  assert.equal(await card.locator('tbody tr').count(), 1);
  await shot(admin, '162-user-sessions');
  await clickUntil(admin, '[data-testid="sign-out-everywhere"]', async () => await admin.getByRole('alertdialog').isVisible());
  await shot(admin, '163-sign-out-everywhere-confirm');
  await admin.getByTestId('confirm').click();
  await card.getByText('Sessions ended: 1.').waitFor();
  await card.getByText('Not signed in anywhere.').waitFor();
  await dev.reload();
  await dev.waitForURL(/\/sign-in/);
  assert.deepEqual(admin.errors, []);
});

test('a developer closes the account after giving the password', async () => {
  await signIn(dev, '/profile');
  await dev.getByTestId('close-account-open').click();
  const dialog = dev.getByRole('alertdialog');
  await dialog.waitFor();
  await dev.fill('#close-password', 'not my password');
  await dialog.getByTestId('confirm').click();
  await dialog.getByText('The current password is incorrect.').waitFor();
  await shot(dev, '164-close-account-wrong-password');
  await dev.fill('#close-password', DEV.password);
  await dialog.getByTestId('confirm').click();
  await dev.waitForURL(server.base + '/?closed');
  await dev.getByTestId('account-closed').waitFor();
  await shot(dev, '165-account-closed');
  const res = await admin.request.post(server.base + '/api/admin/users/get', { form: { uid: devUid }, headers: { origin: server.base } });
  assert.equal(res.status(), 404, 'the account is gone');
  assert.deepEqual(dev.errors, []);
});
