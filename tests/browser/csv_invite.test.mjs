// Inviting many developers from a CSV: the check shows what would happen
// (new, existing, duplicate, invalid with the reason), then Send shows progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, serverAndBrowser, shot } from './harness.mjs';

let page;
serverAndBrowser(async (ctx) => {
  page = await adminPage(ctx, '/admin/users/invite');
});

test('paste a CSV, check it, send it and watch the progress', async () => {
  const rows = ['email;first name;last name', 'admin@example.com;Already;There', 'broken-address;Bad;Row'];
  for (let i = 0; i < 120; i++) rows.push(`dev${i}@example.com;Dev${i};Tester`);
  rows.push('dev1@example.com;Dev;Again');
  await page.fill('#csv', rows.join('\n'));
  await page.getByTestId('csv-check').click();
  await page.getByTestId('csv-preview').waitFor();
  assert.match(await page.getByTestId('csv-preview').textContent(),
    /120 new, 1 already have an account, 1 duplicates in the file, 1 invalid\./);
  const problems = await page.getByTestId('csv-problems').textContent();
  assert.match(problems, /admin@example\.com.*an account with this address exists/s);
  assert.match(problems, /broken-address.*Email: Enter a valid email address/s);
  assert.match(problems, /dev1@example\.com.*on an earlier line/s);
  await shot(page, '72-csv-preview');

  await page.getByTestId('csv-send').click();
  await page.getByTestId('csv-progress').getByText('120 of 120 done: 120 invited, 0 failed.').waitFor({ timeout: 30_000 });
  await shot(page, '73-csv-sent');
  await page.getByTestId('csv-progress').getByRole('link', { name: 'See all invitations' }).click();
  await page.waitForURL(/\/admin\/invitations$/);
  // The list loads after the navigation: wait for it rather than read "Loading…".
  await page.waitForFunction(() => /120 invitations/.test(document.querySelector('main').textContent), null, { timeout: 10_000 });
  assert.deepEqual(page.errors, []);
});
