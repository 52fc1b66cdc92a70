// The email template editor: placeholders listed, unknown ones reported
// before saving, a live preview, Save and Reset to default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, serverAndBrowser, shot } from './harness.mjs';

let page;
serverAndBrowser(async (ctx) => {
  page = await adminPage(ctx, '/admin/emails');
});

test('edit the invitation email, see it previewed, save it and reset it', async () => {
  await page.getByTestId('templates-link').click();
  await page.waitForURL(/\/admin\/emails\/templates$/);
  assert.equal(await page.locator('[data-testid="templates-table"] tbody tr').count(), 11);
  await page.getByRole('link', { name: 'Invitation', exact: true }).click();
  await page.waitForURL(/inviteUserNotificationMessage$/);
  const en = page.getByTestId('template-en');
  await en.waitFor();
  assert.match(await page.getByTestId('placeholders').textContent(), /\$ConfirmUrl.*one-time link/s);
  assert.match(await page.getByTestId('preview-en').textContent(), /Hello Ada,/);

  // A misspelt placeholder is reported at once and Save waits.
  await page.fill('#subject-en', 'Join $Organisation today');
  await page.getByTestId('unknown-placeholders').waitFor();
  assert.match(await page.getByTestId('unknown-placeholders').textContent(), /\$Organisation/);
  assert.equal(await en.getByTestId('save-template').isDisabled(), true);
  await shot(page, '70-template-unknown-placeholder');

  await page.fill('#subject-en', 'Join $OrganizationName today, $DevFirstName');
  await page.fill('#body-en', 'Hi $DevFirstName,\n\nYour link: $ConfirmUrl\n\nIt works for $LinkValidFor.');
  assert.equal(await page.getByTestId('unknown-placeholders').count(), 0);
  assert.match(await page.getByTestId('preview-en').textContent(), /Join Gatehouse today, Ada/);
  assert.match(await page.getByTestId('preview-en').textContent(), /It works for 2 days\./);
  await en.getByTestId('save-template').click();
  await en.getByText('Saved. New messages use this text.').waitFor();
  await en.getByText(/Edited by admin@example\.com/).waitFor();
  await shot(page, '71-template-saved');

  // Reset to default, after a confirmation.
  await page.getByTestId('template-en').getByTestId('reset-template').click();
  await page.getByTestId('confirm').click();
  await page.getByTestId('template-en').getByText('The default text is back.').waitFor();
  assert.match(await page.inputValue('#subject-en'), /You are invited/);
  assert.deepEqual(page.errors, []);
});
