// Products end to end in a real browser: an administrator creates a product,
// makes it visible to a custom group and publishes it; a developer in that
// group sees it and subscribes (without and with approval) and gets keys that
// the gateway check accepts; a developer outside the group does not see it;
// an anonymous visitor sees only what Guests see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, clickUntil, newPage, serverAndBrowser, shot } from './harness.mjs';

let ctx, server, admin;
ctx = serverAndBrowser(async (c) => {
  server = c.server;
  admin = await adminPage(c, '/admin/products');
});

/** Calls a server function as the signed-in administrator. */
async function api(path, form) {
  const res = await admin.request.post(server.base + '/api/' + path, { form, headers: { origin: server.base } });
  assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
  return res.json();
}
async function apiJson(path, data) {
  const res = await admin.request.post(server.base + '/api/' + path, { data, headers: { origin: server.base } });
  assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
  return res.json();
}

async function signIn(email, password, next = '/') {
  const page = await newPage(ctx.browser);
  await page.goto(server.base + '/sign-in?next=' + next);
  await clickUntil(page, 'button[lang="nl"]', async () => (await page.getAttribute('html', 'lang')) === 'nl');
  await page.click('button[lang="en"]');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(server.base + next);
  return page;
}

/** Waits until the wasm app runs on a freshly loaded page (the language switch answers). */
async function hydrated(page) {
  await clickUntil(page, 'button[lang="nl"]', async () => (await page.getAttribute('html', 'lang')) === 'nl');
  await page.click('button[lang="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
}

async function catalogue(page) {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.locator('[data-testid="catalogue"], .empty-state').first().waitFor();
  return page.locator('[data-testid="product-card"] h2').allTextContents();
}

let partnersGroup;
test('arrange: two developers, one of them in the Partners group', async () => {
  const partner = await api('admin/users/create', { email: 'pat@example.com', first_name: 'Pat', last_name: 'Partner', password: 'partner password', note: '' });
  await api('admin/users/create', { email: 'olly@example.com', first_name: 'Olly', last_name: 'Outsider', password: 'outsider password', note: '' });
  partnersGroup = await api('admin/groups/create', { kind: 'custom', name: 'Partners', description: 'Our partners' });
  await apiJson('admin/users/bulk', { uids: [partner], action: { AddToGroup: partnersGroup }, reason: null });
});

test('an administrator creates a product, makes it visible to Partners and publishes it', async () => {
  await admin.goto(server.base + '/admin/products');
  await admin.getByText('No products yet').waitFor();
  await shot(admin, '80-products-empty');
  await admin.getByTestId('new-product').click();
  await admin.getByRole('heading', { name: '+ New product' }).waitFor();
  // Bad input first: a limit that is not a number.
  await admin.fill('#product-name', 'Partner API');
  await admin.fill('#product-limit', 'two');
  await clickUntil(admin, '[data-testid="product-form"] button[type="submit"]', async () => await admin.locator('#subscriptions_limit-error').isVisible());
  assert.equal(await admin.locator('#subscriptions_limit-error').textContent(), 'Enter a whole number from 1, or leave empty for no limit.');
  await admin.fill('#product-limit', '2');
  await admin.fill('#product-description', 'Orders and invoices for our partners.');
  await admin.fill('#product-terms', 'Use these APIs only for orders placed with us.');
  await admin.check('#product-published');
  await shot(admin, '81-new-product-form');
  await admin.getByRole('button', { name: 'Create product' }).click();
  await admin.waitForURL(/\/admin\/products\/partner-api\?tab=visibility/);
  await admin.getByText('Product created. Now choose which groups can see it.').waitFor();
  await admin.getByTestId('visibility-form').waitFor();
  assert.equal(await admin.getByTestId('visibility-count').textContent(), '0 developers can see this product.');
  await admin.getByLabel('Partners').check();
  await shot(admin, '82-visibility-tab');
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.getByText('Saved').first().waitFor();
  await admin.getByText('1 developers can see this product.').waitFor();
  assert.ok(await admin.getByLabel('Partners').isChecked());
  await shot(admin, '83-visibility-saved');

  // A second product needs approval; a third is for everyone, anonymous visitors included.
  const gold = await apiJson('admin/products/create', { form: { name: 'Gold API', description: 'Premium data.', terms: '', published: true, subscription_required: true, approval_required: true, subscriptions_limit: '' } });
  const [gv] = await api('admin/products/visibility', { uid: gold }).then((v) => [v[1]]);
  await apiJson('admin/products/set_visibility', { uid: gold, version: gv, groups: [partnersGroup] });
  const pub = await apiJson('admin/products/create', { form: { name: 'Public API', description: 'Open data for everyone.', terms: '', published: true, subscription_required: true, approval_required: false, subscriptions_limit: '' } });
  const [pv] = await api('admin/products/visibility', { uid: pub }).then((v) => [v[1]]);
  await apiJson('admin/products/set_visibility', { uid: pub, version: pv, groups: ['guests'] });
  await admin.goto(server.base + '/admin/products');
  await admin.getByTestId('products-table').waitFor();
  const rows = await admin.locator('[data-testid="products-table"] tbody tr').allInnerTexts();
  assert.equal(rows.length, 3);
  assert.match(rows[1], /Partner API\tPublished\tPartners\tNo\t0/);
  await shot(admin, '84-products-list');
});

let partnerKey;
test('a developer in Partners sees it, subscribes at once and gets working keys', async () => {
  const page = await signIn('pat@example.com', 'partner password');
  assert.deepEqual(await catalogue(page), ['Gold API', 'Partner API', 'Public API']);
  await shot(page, '85-portal-partner');
  await page.getByRole('link', { name: 'Partner API' }).click();
  await page.waitForURL(server.base + '/products/partner-api');
  await page.getByTestId('product-terms').waitFor();
  await page.fill('#sub-name', 'Order app');
  // Without accepting the terms: refused on the checkbox.
  await clickUntil(page, '[data-testid="subscribe-form"] button[type="submit"]', async () => await page.locator('#accept_terms-error').isVisible());
  assert.equal(await page.locator('#accept_terms-error').textContent(), 'Accept the terms of use to subscribe.');
  await page.check('#accept-terms');
  await shot(page, '86-subscribe-form');
  await page.locator('[data-testid="subscribe-form"] button[type="submit"]').click();
  await page.getByTestId('subscribed').waitFor();
  assert.equal(await page.getByTestId('subscribed').textContent(), 'You are subscribed. Your keys are on your Subscriptions page.');
  await page.getByRole('link', { name: 'Go to my subscriptions' }).click();
  await page.waitForURL(server.base + '/subscriptions');
  const sub = page.getByTestId('subscription').first();
  await sub.getByText('Order app').waitFor();
  assert.match(await sub.getByTestId('sub-state').textContent(), /Active/);
  const primary = sub.getByTestId('primary-key');
  assert.match(await primary.locator('code').textContent(), /^•+$/, 'masked until shown');
  // Reached by a link from a hydrated page: one click is enough.
  await primary.getByRole('button', { name: 'Show' }).click();
  await page.waitForFunction(() => /^[0-9a-f]{32}$/.test(document.querySelector('[data-testid="primary-key"] code').textContent));
  partnerKey = await primary.locator('code').textContent();
  await shot(page, '87-subscription-keys');
  // The gateway accepts the key.
  const check = await page.request.get(server.base + '/gateway/check', { headers: { 'Ocp-Apim-Subscription-Key': partnerKey } });
  assert.equal(check.status(), 200);
  assert.equal(check.headers()['gatehouse-product-id'], 'partner-api');

  // Regenerate the primary key: asked first, then the old one fails at the gateway.
  await sub.getByTestId('regenerate-primary').click();
  await page.getByRole('alertdialog').waitFor();
  await shot(page, '88-regenerate-confirm');
  await page.getByRole('alertdialog').getByTestId('confirm').click();
  await page.getByText('A new primary key was made; the old one no longer works.').waitFor();
  const fresh = await primary.locator('code').textContent();
  assert.match(fresh, /^[0-9a-f]{32}$/);
  assert.notEqual(fresh, partnerKey);
  const old = await page.request.get(server.base + '/gateway/check', { headers: { 'Ocp-Apim-Subscription-Key': partnerKey } });
  assert.equal(old.status(), 401);
  partnerKey = fresh;
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('with approval: the request waits, an administrator approves it, the developer sees it active', async () => {
  const page = await signIn('pat@example.com', 'partner password', '/products/gold-api');
  await page.getByTestId('subscribe-form').waitFor();
  await page.locator('[data-testid="subscribe-form"] button[type="submit"]').click();
  await page.getByTestId('subscribed').waitFor();
  assert.equal(await page.getByTestId('subscribed').textContent(), 'Your request was sent. An administrator reviews it; we will email you.');
  await page.goto(server.base + '/subscriptions');
  await page.getByText('Waiting for an administrator\'s approval. The keys work once it is approved.').waitFor();
  await shot(page, '89-request-waiting');

  await admin.goto(server.base + '/admin/subscriptions?state=submitted');
  await admin.getByTestId('subscriptions-table').waitFor();
  const rows = admin.getByTestId('subscription-row');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), /Gold API\tpat@example.com/);
  await shot(admin, '90-admin-submitted');
  await hydrated(admin);
  await admin.getByTestId('sub-approve').click();
  await admin.getByTestId('sub-notice').waitFor();
  assert.equal(await admin.getByTestId('sub-notice').textContent(), 'Gold API (pat@example.com) is now Active.');
  await admin.getByText('No subscription matches these filters.').waitFor();
  await admin.goto(server.base + '/admin/subscriptions');
  await admin.getByTestId('subscriptions-table').waitFor();
  await shot(admin, '91-admin-all-subscriptions');

  // Suspend with a comment the developer sees.
  await admin.locator('[data-testid="subscription-row"]', { hasText: 'Order app' }).getByTestId('sub-suspend').click();
  const dialog = admin.getByRole('alertdialog');
  await dialog.getByLabel('Comment for the developer (optional)').fill('Unusual traffic, please contact us.');
  await shot(admin, '92-suspend-confirm');
  await dialog.getByTestId('confirm').click();
  await admin.getByTestId('sub-notice').waitFor();
  const check = await admin.request.get(server.base + '/gateway/check', { headers: { 'Ocp-Apim-Subscription-Key': partnerKey } });
  assert.equal(check.status(), 403);

  await page.reload();
  await page.getByTestId('my-subscriptions').waitFor();
  const states = await page.getByTestId('sub-state').allTextContents();
  assert.deepEqual(states.sort(), ['Active', 'Suspended']);
  await page.getByText('Unusual traffic, please contact us.').waitFor();
  await shot(page, '93-developer-sees-suspension');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a developer outside the group does not see it; an anonymous visitor sees only Guests products', async () => {
  const page = await signIn('olly@example.com', 'outsider password');
  assert.deepEqual(await catalogue(page), ['Public API']);
  await shot(page, '94-portal-outsider');
  const res = await page.goto(server.base + '/products/partner-api');
  assert.equal(res.status(), 404);
  await page.context().close();

  const anon = await newPage(ctx.browser);
  await anon.goto(server.base + '/');
  assert.deepEqual(await catalogue(anon), ['Public API']);
  await shot(anon, '95-portal-anonymous');
  await anon.getByRole('link', { name: 'Public API' }).click();
  await anon.getByText('Sign in to subscribe.').waitFor();
  await shot(anon, '96-product-anonymous');
  assert.deepEqual(anon.errors, []);
});

test('the user page says which products the developer sees and why, and lists the subscriptions', async () => {
  await admin.goto(server.base + '/admin/users?q=pat');
  await admin.getByRole('link', { name: 'Pat Partner' }).click();
  const visible = admin.getByTestId('visible-products');
  await visible.waitFor();
  const items = await visible.locator('li').allInnerTexts();
  assert.deepEqual(items, ['Gold API — via Partners', 'Partner API — via Partners', 'Public API — via Guests']);
  assert.equal(await admin.locator('[data-testid="user-subscriptions"] tbody tr').count(), 2);
  await shot(admin, '97-user-products-and-subscriptions');
  await admin.getByTestId('delete').click();
  await admin.getByTestId('delete-preview').getByText('2 subscriptions and their keys').waitFor();
  await shot(admin, '98-user-delete-lists-subscriptions');
  assert.deepEqual(admin.errors, []);
});
