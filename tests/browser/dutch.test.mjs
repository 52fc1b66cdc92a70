// The admin screens in Dutch: a browser that prefers Dutch gets every label
// in Dutch, with no English left over in the navigation and list controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, serverAndBrowser, newPage, shot } from './harness.mjs';

const ctx = serverAndBrowser();

test('a Dutch browser gets the admin screens in Dutch', async () => {
  const page = await newPage(ctx.browser, 'nl-NL');
  await page.goto(ctx.server.base + '/sign-in?next=/admin/users');
  await page.getByRole('heading', { name: 'Inloggen bij Gatehouse' }).waitFor();
  await page.fill('#email', ADMIN.email);
  await page.fill('#password', ADMIN.password);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(ctx.server.base + '/admin/users');
  await page.getByRole('heading', { name: 'Gebruikers' }).waitFor();
  await page.getByTestId('users-table').waitFor();
  // The filter bar waits for the group list, which may arrive after the table.
  await page.locator('#group-filter option', { hasText: 'Ontwikkelaars' }).waitFor({ state: 'attached' });
  const text = await page.locator('body').textContent();
  for (const dutch of ['Gebruikers', 'Groepen', 'Activiteit', '+ Gebruiker toevoegen', 'Alle statussen', 'Geregistreerd', 'Actief', 'Beheerders, Ontwikkelaars']) {
    assert.ok(text.includes(dutch), `missing "${dutch}"`);
  }
  for (const english of ['Add user', 'All states', 'Registered', 'Sign out']) {
    assert.ok(!text.includes(english), `English left over: "${english}"`);
  }
  await shot(page, '20-users-dutch');
  await page.goto(ctx.server.base + '/admin/groups/developers');
  await page.getByText('Dit is een systeemgroep').waitFor();
  assert.equal(await page.locator('h1').first().textContent(), 'Ontwikkelaars Systeem');
  await shot(page, '21-group-dutch');
  assert.deepEqual(page.errors, []);
});
