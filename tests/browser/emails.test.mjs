// The Emails screen: without an SMTP server it says so, and a test message
// shows up as kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, serverAndBrowser, shot } from './harness.mjs';

let page;
serverAndBrowser(async (ctx) => {
  page = await adminPage(ctx, '/admin/emails');
});

test('send a test message and see it kept', async () => {
  await page.getByTestId('keeping').waitFor();
  await page.getByTestId('send-test').click();
  await page.getByRole('status').waitFor();
  // The worker keeps it within moments; Refresh shows the new state.
  for (let i = 0; i < 50; i++) {
    await page.getByRole('button', { name: 'Refresh' }).click();
    if (await page.getByText('Kept (no SMTP)').count()) break;
    await page.waitForTimeout(200);
  }
  assert.equal(await page.getByText('Kept (no SMTP)').count(), 1);
  assert.match(await page.getByTestId('emails-table').textContent(), /Gatehouse test message/);
  await shot(page, '50-emails-kept');
  // Kept messages can be read in full.
  await page.getByRole('link', { name: 'Gatehouse test message' }).click();
  await page.getByTestId('mail-text').waitFor();
  assert.match(await page.textContent('main'), /admin@example\.com/);
  assert.match(await page.getByTestId('mail-text').textContent(), /this is a test message from Gatehouse/);
  await shot(page, '51-email-opened');
  assert.deepEqual(page.errors, []);
});
