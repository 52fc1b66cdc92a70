// The Access tokens screen: create a token (shown once), use it on the REST
// API, see its last use, revoke it after a confirmation, and see it refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, serverAndBrowser, shot } from './harness.mjs';

const SERVICE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/gh';
let page;
let ctx;
ctx = serverAndBrowser(async (c) => {
  page = await adminPage(c, '/admin/tokens');
});

async function apiStatus(token) {
  const res = await fetch(`${ctx.server.base}${SERVICE}/users?api-version=2022-08-01`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return res.status;
}

test('create, use and revoke an access token', async () => {
  await page.getByTestId('no-tokens').waitFor();
  await shot(page, '100-tokens-empty');
  // A name is required: the form says so on the field.
  await page.getByTestId('create-token').click();
  assert.equal(await page.getByTestId('token-created').count(), 0);
  await page.fill('#token-name', 'Terraform CI');
  await page.selectOption('#token-expiry', '30');
  await page.getByTestId('create-token').click();
  await page.getByTestId('token-created').waitFor();
  const token = (await page.getByTestId('token-value').textContent()).trim();
  assert.match(token, /^ghat_[A-Za-z0-9_-]{43}$/);
  assert.match(await page.getByTestId('token-created').textContent(), /not shown again/);
  await page.getByTestId('token-row').first().waitFor();
  assert.match(await page.getByTestId('tokens-table').textContent(), /Terraform CI/);
  assert.match(await page.getByTestId('token-last-used').first().textContent(), /Never used/);
  await shot(page, '101-token-created');

  assert.equal(await apiStatus(token), 200);
  // The list shows the use after a reload; the token itself is never shown again.
  await page.reload();
  await page.getByTestId('token-row').first().waitFor();
  for (let i = 0; i < 30 && /Never used/.test(await page.getByTestId('token-last-used').first().textContent()); i++) {
    await page.waitForTimeout(200);
    await page.reload();
    await page.getByTestId('token-row').first().waitFor();
  }
  assert.doesNotMatch(await page.getByTestId('token-last-used').first().textContent(), /Never used/);
  assert.equal(await page.getByTestId('token-created').count(), 0);
  assert.doesNotMatch(await page.textContent('main'), new RegExp(token.slice(12)));

  // Keyboard: the confirmation takes focus, keeps it while Tab goes round,
  // and gives it back to the Revoke button when Escape closes it.
  await page.getByTestId('revoke-token').first().focus();
  await page.keyboard.press('Enter');
  await page.getByRole('alertdialog').waitFor();
  const focusInDialog = () => page.evaluate(() => !!document.activeElement?.closest('[role="alertdialog"]'));
  await page.waitForFunction(() => !!document.activeElement?.closest('[role="alertdialog"]'));
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await focusInDialog(), `Tab ${i + 1} keeps focus in the dialog`);
  }
  await page.keyboard.press('Shift+Tab');
  assert.ok(await focusInDialog(), 'Shift+Tab keeps focus in the dialog');
  await page.keyboard.press('Escape');
  await page.getByRole('alertdialog').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'revoke-token',
    'focus is back on the button that opened the dialog');
  await page.keyboard.press('Enter');
  await page.getByRole('alertdialog').waitFor();
  assert.match(await page.getByRole('alertdialog').textContent(), /Terraform CI/);
  await shot(page, '102-token-revoke-confirm');
  await page.getByTestId('confirm').click();
  await page.getByText('revoked: it no longer works').waitFor();
  // The notice comes with the answer; the row follows when the list reloads.
  await page.getByTestId('token-state').filter({ hasText: 'Revoked' }).first().waitFor();
  assert.equal(await page.getByTestId('token-state').first().textContent(), 'Revoked');
  await shot(page, '103-token-revoked');
  assert.equal(await apiStatus(token), 401);
  assert.deepEqual(page.errors, []);
});
