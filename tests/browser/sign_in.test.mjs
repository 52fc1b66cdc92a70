// Seed procedure: open the portal, sign in as the administrator, see the
// dashboard after hydration, sign out; a wrong password shows its error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, serverAndBrowser, newPage, shot, clickUntil } from './harness.mjs';

const ctx = serverAndBrowser();

test('the administrator signs in, uses the live dashboard and signs out', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.server.base + '/');
  await page.getByRole('heading', { name: 'Welcome to the developer portal' }).waitFor();
  await shot(page, '01-portal-home');

  // The language switch only works once the wasm app has hydrated the page.
  await clickUntil(page, 'button[lang="nl"]',
    async () => (await page.locator('h1').textContent()) === 'Welkom bij het ontwikkelaarsportaal');
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  await shot(page, '02-portal-home-dutch');
  await page.click('button[lang="en"]');
  await page.getByRole('heading', { name: 'Welcome to the developer portal' }).waitFor();

  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Sign in to Gatehouse' }).waitFor();
  await page.fill('#email', ADMIN.email);
  await page.fill('#password', 'not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal((await alert.textContent()).trim(), 'Email or password is incorrect.');
  await shot(page, '03-sign-in-wrong-password');

  await page.fill('#password', ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(ctx.server.base + '/admin');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  const stats = page.getByTestId('stats');
  await stats.waitFor();
  assert.match(await stats.textContent(), /Administrators/);
  assert.match(await page.locator('.whoami').textContent(), /Signed in as Gatehouse Administrator/);

  // Refresh re-runs a server function: only possible with the wasm app live.
  await page.getByTestId('refresh').click();
  await page.locator('[data-testid="stats"][data-refreshes="1"]').waitFor();
  await shot(page, '04-admin-dashboard');

  await page.getByRole('link', { name: 'Groups' }).click();
  await page.getByRole('heading', { name: 'Groups' }).waitFor();
  assert.match(await page.getByTestId('groups-table').textContent(), /Administrators.*Developers.*Guests/s);
  assert.equal(page.url(), ctx.server.base + '/admin/groups');
  await shot(page, '05-admin-groups');

  await page.getByTestId('sign-out').click();
  await page.getByRole('link', { name: 'Sign in' }).waitFor();
  await shot(page, '06-signed-out');
  const res = await page.goto(ctx.server.base + '/admin');
  assert.match(page.url(), /\/sign-in\?next=%2Fadmin$/);
  assert.ok(res.ok());

  assert.deepEqual(page.errors, [], 'no script errors in the page');
});
