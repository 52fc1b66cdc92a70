// Seed procedures for accounts and groups, step by step in a real browser:
// add a user and see them Active in Developers; block and activate; delete;
// create a group, select three users and add them to it, then remove one;
// try to rename Administrators and see it refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, serverAndBrowser, shot } from './harness.mjs';

let server, page;
serverAndBrowser(async (ctx) => {
  server = ctx.server;
  page = await adminPage(ctx);
});

async function addUser(email, first, last, password = '') {
  await page.goto(server.base + '/admin/users');
  await page.getByTestId('add-user').click();
  await page.getByRole('heading', { name: '+ Add user' }).waitFor();
  await page.fill('#email', email);
  await page.fill('#first_name', first);
  await page.fill('#last_name', last);
  if (password) await page.fill('#password', password);
  await page.getByRole('button', { name: '+ Add user' }).click();
  await page.waitForURL(/\/admin\/users\/[0-9a-f]{16}$/);
  await page.getByRole('heading', { name: `${first} ${last}` }).waitFor();
}

async function confirm(reason) {
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor();
  if (reason) await dialog.locator('textarea').fill(reason);
  await dialog.getByTestId('confirm').click();
  await dialog.waitFor({ state: 'detached' });
}

test('add a user and see them Active in Developers', async () => {
  await addUser('ada@example.com', 'Ada', 'Lovelace', 'analytical engine');
  assert.match(await page.locator('h1 .badge').first().textContent(), /Active/);
  assert.equal((await page.getByTestId('user-groups').textContent()).trim(), 'Developers');
  await shot(page, '10-user-added');

  const dup = await page.goto(server.base + '/admin/users/new');
  assert.ok(dup.ok());
  await page.fill('#email', 'ADA@example.com');
  await page.fill('#first_name', 'Another');
  await page.fill('#last_name', 'Ada');
  await page.getByRole('button', { name: '+ Add user' }).click();
  await page.locator('#email-error').waitFor();
  assert.equal(await page.locator('#email-error').textContent(), 'An account with this email address already exists.');
  await shot(page, '11-duplicate-email');
});

test('block and activate', async () => {
  await page.goto(server.base + '/admin/users?q=lovelace');
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await page.getByTestId('block').click();
  await shot(page, '12-block-confirmation');
  await confirm('testing the block');
  await page.getByText('The account is blocked.').waitFor();
  assert.match(await page.locator('h1 .badge').first().textContent(), /Blocked/);
  await shot(page, '13-user-blocked');
  await page.getByTestId('activate').click();
  await confirm();
  await page.getByText('The account is active.').waitFor();
  assert.match(await page.locator('h1 .badge').first().textContent(), /Active/);
  const log = page.getByTestId('activity-table');
  await log.waitFor();
  assert.match(await log.textContent(), /Account blocked.*testing the block/s);
});

test('delete shows what goes with the account', async () => {
  await addUser('temp@example.com', 'Temp', 'Orary');
  await page.getByTestId('delete').click();
  const preview = page.getByTestId('delete-preview');
  await preview.waitFor();
  assert.match(await preview.textContent(), /1 group memberships: Developers/);
  await shot(page, '14-delete-confirmation');
  await confirm('created by mistake');
  await page.waitForURL(server.base + '/admin/users');
  await page.getByTestId('users-table').waitFor();
  assert.doesNotMatch(await page.getByTestId('users-table').textContent(), /temp@example\.com/);
});

test('create a group, add three selected users to it, then remove one', async () => {
  await addUser('grace@example.com', 'Grace', 'Hopper');
  await addUser('alan@example.com', 'Alan', 'Turing');

  await page.goto(server.base + '/admin/groups');
  await page.fill('#group-name', 'Beta testers');
  await page.fill('#group-description', 'Early access to new APIs');
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.waitForURL(server.base + '/admin/groups/beta-testers');
  await page.getByTestId('no-members').waitFor();

  await page.goto(server.base + '/admin/users');
  const table = page.getByTestId('users-table');
  await table.waitFor();
  for (const email of ['ada@example.com', 'grace@example.com', 'alan@example.com']) {
    await table.locator('tr', { hasText: email }).locator('input[type=checkbox]').check();
  }
  assert.equal(await page.getByTestId('selected-count').textContent(), '3 selected');
  await page.selectOption('#bulk-group', { label: 'Beta testers' });
  await shot(page, '15-bulk-selection');
  await page.getByTestId('bulk-add').click();
  const progress = page.getByTestId('bulk-progress');
  await progress.getByText('3 of 3 done: 3 changed, 0 failed.').waitFor();
  await table.locator('tr', { hasText: 'grace@example.com' }).getByText('Beta testers').waitFor();
  await shot(page, '16-bulk-added');

  await page.goto(server.base + '/admin/groups/beta-testers');
  const members = page.getByTestId('members-table');
  await members.waitFor();
  assert.equal(await members.locator('tbody tr').count(), 3);
  await members.locator('tr', { hasText: 'alan@example.com' }).locator('input[type=checkbox]').check();
  await page.getByTestId('remove-members').click();
  await confirm('not in the beta');
  await page.getByTestId('member-outcome').getByText('1 changed, 0 failed.').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=members-table] tbody tr').length === 2);
  assert.doesNotMatch(await members.textContent(), /alan@example\.com/);
  await shot(page, '17-group-members');
});

test('renaming Administrators is refused', async () => {
  await page.goto(server.base + '/admin/groups/administrators');
  await page.getByText('This is a system group').waitFor();
  await page.fill('#group-name', 'Admins');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').getByText('System groups cannot be renamed, changed or deleted.').waitFor();
  await shot(page, '18-system-group-refused');
  await page.reload();
  assert.equal(await page.locator('#group-name').inputValue(), 'Administrators');
  assert.deepEqual(page.errors, [], 'no script errors in the page');
});
