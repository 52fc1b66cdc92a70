// The Activity screen reads like a history: every kind of change is named,
// and what changed is shown field by field in plain words, never as JSON;
// a product page shows its own entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, clickUntil, serverAndBrowser, shot } from './harness.mjs';

let ctx;

let server, admin;
ctx = serverAndBrowser(async (c) => {
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

test('the history is filtered by who, kind, target and date, and exported as CSV', async () => {
  // Entries by the command line (the first administrator) and by admin@example.com exist from the test above.
  await admin.goto(server.base + '/admin/activity');
  const form = admin.getByTestId('activity-filter');
  await form.waitFor();
  await clickUntil(admin, 'button[lang="nl"]', async () => (await admin.getAttribute('html', 'lang')) === 'nl');
  await admin.click('button[lang="en"]');
  await admin.selectOption('#f-kind', 'product');
  await admin.fill('#f-target', 'orders');
  await form.getByRole('button', { name: 'Filter' }).click();
  await admin.waitForURL(/kind=product/);
  assert.match(admin.url(), /target=orders/);
  await admin.getByTestId('activity-count').filter({ hasText: '2 entries' }).waitFor();
  const rows = await admin.getByTestId('activity-table').locator('tbody tr').allTextContents();
  assert.equal(rows.length, 2);
  assert.ok(rows.every((r) => /Orders API/.test(r)), rows.join('\n'));
  await shot(admin, '112-activity-filtered');

  // Who: only the command line's entry.
  await admin.goto(server.base + '/admin/activity?who=command');
  await admin.getByTestId('activity-count').filter({ hasText: '1 entry' }).waitFor();
  // Dates: today has everything, yesterday nothing; a bad date is named at its field.
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await admin.goto(server.base + `/admin/activity?from=${today}&to=${today}`);
  await admin.getByTestId('activity-count').waitFor();
  await admin.goto(server.base + `/admin/activity?to=${yesterday}`);
  await admin.locator('.empty-state').waitFor();
  await admin.goto(server.base + '/admin/activity?from=7%20December');
  assert.equal(await admin.locator('#from-error').textContent(), 'Enter a date as YYYY-MM-DD.');

  // CSV: the filtered entries, every one, with a header; formulas defused.
  await admin.goto(server.base + '/admin/activity?kind=user');
  const href = await admin.getByTestId('export-csv').getAttribute('href');
  assert.equal(href, '/admin/activity/export.csv?kind=user');
  const res = await admin.request.get(server.base + href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/csv/);
  assert.match(res.headers()['content-disposition'], /attachment/);
  const lines = (await res.text()).replace(/^\ufeff/, '').trim().split('\r\n');
  assert.equal(lines[0], 'When (UTC),Who,What,Kind,On,What changed,Reason');
  assert.equal(lines.length, 1 + 3, `three account entries: ${lines.join('\n')}`);
  assert.ok(lines.some((l) => l.includes('"Account blocked"') && l.includes('"state: active → blocked"') && l.includes('"abuse report #7"')));
  assert.ok(lines.slice(1).every((l) => l.includes('"user"')));

  // Nobody else gets it: a visitor is sent to sign in, a developer is refused.
  const visitor = await ctx.browser.newContext();
  const anon = await visitor.request.get(server.base + href, { maxRedirects: 0 });
  assert.equal(anon.status(), 303);
  await admin.request.post(server.base + '/api/admin/users/create', { form: { email: 'dev@example.com', first_name: 'Dev', last_name: 'One', password: 'developer passphrase', note: '' }, headers: { origin: server.base } });
  await visitor.request.post(server.base + '/api/sign_in', { form: { email: 'dev@example.com', password: 'developer passphrase', next: '/' }, headers: { Accept: 'application/json' } });
  const dev = await visitor.request.get(server.base + href, { maxRedirects: 0 });
  assert.equal(dev.status(), 403);
  assert.doesNotMatch(await dev.text(), /Account blocked/);
  await visitor.close();
});

test('a group shows its membership changes; a subscription opens its own history', async () => {
  const carl = await api('admin/users/create', { email: 'carl@example.com', first_name: 'Carl', last_name: 'Member', password: 'a long passphrase', note: '' });
  const beta = await api('admin/groups/create', { kind: 'custom', name: 'Beta testers', description: '' });
  await api('admin/users/bulk', { uids: [carl], action: { AddToGroup: beta }, reason: 'joins the beta' }, true);
  await api('admin/users/bulk', { uids: [carl], action: { RemoveFromGroup: beta }, reason: null }, true);

  // The change is logged on the account and is also part of the group's history.
  await admin.goto(server.base + `/admin/groups/${beta}`);
  const own = admin.getByTestId('activity-table');
  await own.locator('tr', { hasText: 'Removed from group' }).waitFor();
  const rows = await own.locator('tbody tr').allTextContents();
  assert.equal(rows.length, 3, `created, added, removed: ${rows.join('\n')}`);
  assert.match(rows[1], /Added to group.*carl@example\.com.*Group: Beta testers.*joins the beta/s);
  assert.doesNotMatch(rows.join('\n'), /groupId/, 'lookup ids are not shown');
  await shot(admin, '113-group-membership-history');

  // A subscription has no page of its own: "History" on the Subscriptions screen narrows the Activity screen to it.
  const product = await api('admin/products/create', { form: { name: 'Weather API', description: 'Forecasts.', terms: '', published: true, subscription_required: true, approval_required: false, subscriptions_limit: '' } }, true);
  const [, version] = await api('admin/products/visibility', { uid: product });
  await api('admin/products/set_visibility', { uid: product, version, groups: ['developers'] }, true);
  const sub = await api('subscriptions/subscribe', { product, name: 'Forecast app', accept_terms: true });
  await api('subscriptions/subscribe', { product, name: 'Second app', accept_terms: true });
  await api('admin/subscriptions/act', { uid: sub.uid, action: 'suspend', comment: 'unpaid invoice' });
  await admin.goto(server.base + `/admin/subscriptions?product=${product}`);
  const row = admin.getByTestId('subscription-row').filter({ hasText: 'Forecast app' });
  await row.getByTestId('sub-history').click();
  await admin.waitForURL(/\/admin\/activity\?kind=subscription&id=/);
  await admin.getByTestId('activity-count').filter({ hasText: '2 entries' }).waitFor();
  assert.match(await admin.getByTestId('one-record').textContent(), /history of one record/);
  const history = await admin.getByTestId('activity-table').locator('tbody tr').allTextContents();
  assert.match(history[0], /Subscription suspended.*unpaid invoice/s);
  assert.match(history[1], /Subscription created/);
  assert.ok(history.every((r) => !/Second app/.test(r)), history.join('\n'));
  // Its name in the history links back to the same narrowed view; filtering keeps it narrowed.
  await admin.getByTestId('activity-filter').getByRole('button', { name: 'Filter' }).click();
  await admin.waitForURL(/id=/);
  await admin.getByTestId('activity-count').filter({ hasText: '2 entries' }).waitFor();
  await shot(admin, '114-subscription-history');
});
