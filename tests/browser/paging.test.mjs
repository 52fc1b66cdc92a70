// The users list pages with Next and Previous (each carries the uid of the
// row it continues from), the URL keeps the position, and the browser's Back
// button returns to the page before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, serverAndBrowser, newPage, shot } from './harness.mjs';

let server, page;
serverAndBrowser(async (ctx) => {
  server = ctx.server;
  page = await adminPage(ctx);
  // 60 developers (plus the administrator) through the admin function the Add form uses.
  for (let i = 0; i < 60; i++) {
    const n = String(i).padStart(2, '0');
    const res = await page.request.post(server.base + '/api/admin/users/create', {
      headers: { Origin: server.base },
      form: { email: `dev${n}@example.com`, first_name: 'Dev', last_name: `Number${n}`, password: '', note: '' },
    });
    assert.equal(res.status(), 200, await res.text());
  }
});

const range = () => page.getByTestId('range').textContent();
const lastNames = () => page.locator('[data-testid="users-table"] tbody tr td:nth-child(2)').allTextContents();

test('Next, Previous and Back walk the pages of the users list', async () => {
  await page.goto(server.base + '/admin/users');
  assert.equal(await range(), '1–25 of 61');
  const first = await lastNames();
  assert.equal(first[0], 'Gatehouse Administrator');
  assert.equal(first[1], 'Dev Number00');

  await page.getByRole('link', { name: 'Next →' }).click();
  await page.waitForURL(/page=2&after=[0-9a-f]{16}$/);
  await page.waitForFunction(() => document.querySelector('[data-testid="range"]')?.textContent === '26–50 of 61');
  assert.equal((await lastNames())[0], 'Dev Number24');
  await shot(page, '40-users-page-2');

  await page.getByRole('link', { name: 'Next →' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="range"]')?.textContent === '51–61 of 61');
  assert.deepEqual((await lastNames()).slice(-1), ['Dev Number59']);
  assert.equal(await page.getByRole('link', { name: 'Next →' }).count(), 0, 'no Next on the last page');

  await page.getByRole('link', { name: '← Previous' }).click();
  await page.waitForURL(/page=2&before=[0-9a-f]{16}$/);
  await page.waitForFunction(() => document.querySelector('[data-testid="range"]')?.textContent === '26–50 of 61');
  assert.equal((await lastNames())[0], 'Dev Number24');

  await page.goBack();
  await page.waitForFunction(() => document.querySelector('[data-testid="range"]')?.textContent === '51–61 of 61');

  // A bookmarked position opens as it was left, rendered by the server.
  const url = page.url();
  const fresh = await newPage(page.context().browser());
  await fresh.context().addCookies(await page.context().cookies());
  await fresh.goto(url);
  assert.equal(await fresh.getByTestId('range').textContent(), '51–61 of 61');
  await fresh.close();
  assert.deepEqual(page.errors, []);
});
