// The Activity screen reads like a history: every kind of change is named,
// and what changed is shown field by field in plain words, never as JSON;
// a product page shows its own entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, clickUntil, serverAndBrowser, shot } from './harness.mjs';

let server, admin;
serverAndBrowser(async (c) => {
  server = c.server;
  admin = await adminPage(c, '/admin');
});

async function api(path, body, json = false) {
  const res = await admin.request.post(server.base + '/api/' + path,
    { ...(json ? { data: body } : { form: body }), headers: { origin: server.base } });
  assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
  return res.json();
}

test('changes are named and shown as field: before → after', async () => {
  const uid = await api('admin/users/create', { email: 'bo@example.com', first_name: 'Bo', last_name: 'Blocked', password: 'a long passphrase', note: '' });
  await api('admin/users/set_state', { uid, state: 'blocked', reason: 'abuse report #7' });
  const group = await api('admin/groups/create', { kind: 'custom', name: 'Partners', description: '' });
  const product = await api('admin/products/create', { form: { name: 'Orders API', description: 'Orders.', terms: '', published: false, subscription_required: true, approval_required: false, subscriptions_limit: '' } }, true);
  const [, version] = await api('admin/products/visibility', { uid: product });
  await api('admin/products/set_visibility', { uid: product, version, groups: [group] }, true);

  await admin.goto(server.base + '/admin/activity');
  const table = admin.getByTestId('activity-table');
  await table.waitFor();
  const blocked = table.locator('tr', { hasText: 'Account blocked' });
  await blocked.waitFor();
  assert.match(await blocked.textContent(), /State: active → blocked/);
  assert.match(await blocked.textContent(), /abuse report #7/);
  const visibility = table.locator('tr', { hasText: 'Product visibility changed' });
  assert.match(await visibility.textContent(), /Groups: — → Partners/);
  const created = table.locator('tr', { hasText: 'Product created' });
  assert.match(await created.textContent(), /Name: Orders API/);
  assert.match(await created.textContent(), /Requires a subscription: Yes/);
  assert.doesNotMatch(await created.textContent(), /Terms of use/, 'a creation lists only what was set');
  const text = await table.textContent();
  assert.doesNotMatch(text, /Other change/, 'every kind of change has a name');
  assert.doesNotMatch(text, /[{}"]/, 'no raw JSON');
  await shot(admin, '110-activity-history');

  // The same words in Dutch.
  await clickUntil(admin, 'button[lang="nl"]', async () => (await admin.getAttribute('html', 'lang')) === 'nl');
  await table.locator('tr', { hasText: 'Account geblokkeerd' }).waitFor();
  assert.match(await table.locator('tr', { hasText: 'Account geblokkeerd' }).textContent(), /Status: active → blocked/);
  await admin.click('button[lang="en"]');

  // The product's own history, on its Activity tab.
  await admin.goto(server.base + `/admin/products/${product}?tab=activity`);
  const own = admin.getByTestId('activity-table');
  await own.waitFor();
  const rows = await own.locator('tbody tr').allTextContents();
  assert.equal(rows.length, 2, `only this product's entries: ${rows}`);
  assert.match(rows[0], /Product visibility changed/);
  assert.match(rows[1], /Product created/);
  await shot(admin, '111-product-activity-tab');
});
