// APIs in a real browser: an administrator creates an API (a wrong path is
// refused on its field), uploads its OpenAPI document (a wrong one is
// refused with what and where), puts it in a product on the product's APIs
// tab and gives the product a quota; a developer finds the API on the
// product's page, reads its reference, calls it through the key check and
// sees the calls charted with the quota left; the administrator sees the
// calls on the dashboard and the product's Usage tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPage, clickUntil, newPage, serverAndBrowser, shot } from './harness.mjs';

let ctx, server, admin;

/** Waits until the wasm app runs on a freshly loaded page (the language switch answers). */
async function hydrated(page) {
  await clickUntil(page, 'button[lang="nl"]', async () => (await page.getAttribute('html', 'lang')) === 'nl');
  await page.click('button[lang="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  // The screen's own code arrives after the layout's: let it settle.
  await page.waitForLoadState('networkidle');
}
ctx = serverAndBrowser(async (c) => {
  server = c.server;
  admin = await adminPage(c, '/admin/apis');
}, { GATEHOUSE_USAGE_FLUSH_MILLIS: '200' });

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

const SPEC = `openapi: 3.0.3
info: { title: Orders, version: "2.1", description: Place and track orders. }
paths:
  /orders:
    get:
      summary: List orders
      parameters:
        - { name: status, in: query, schema: { type: string }, description: Only orders in this state }
        - { name: top, in: query, schema: { type: integer, format: int32 } }
      responses: { "200": { description: The orders, newest first } }
    post:
      summary: Place an order
      requestBody: { content: { application/json: { schema: { type: object } } } }
      responses: { "201": { description: Placed }, "422": { description: Something in the order is wrong } }
  /orders/{id}:
    parameters: [ { name: id, in: path, required: true, schema: { type: integer, format: int64 } } ]
    get:
      summary: One order
      responses: { "200": { description: The order }, "404": { description: No such order } }
    delete:
      summary: Cancel an order
      deprecated: true
      responses: { "204": { description: Cancelled } }
`;

let gold;
test('arrange: a developer and a product for developers', async () => {
  await api('admin/users/create', { email: 'dev@example.com', first_name: 'Dee', last_name: 'Veloper', password: 'developer password', note: '' });
  gold = await apiJson('admin/products/create', { form: { name: 'Gold', description: 'Orders for partners.', terms: '', published: true, subscription_required: true, approval_required: false, subscriptions_limit: '' } });
  const [, version] = await api('admin/products/visibility', { uid: gold });
  await apiJson('admin/products/set_visibility', { uid: gold, version, groups: ['developers'] });
});

test('an administrator creates an API and uploads its reference', async () => {
  await admin.getByText('No APIs yet').waitFor();
  await shot(admin, '140-apis-empty');
  await admin.getByTestId('new-api').click();
  await admin.getByRole('heading', { name: '+ New API' }).waitFor();
  await admin.fill('#api-name', 'Orders');
  await admin.fill('#api-description', 'Place and track orders.');
  await admin.fill('#api-path', 'orders//v1');
  await clickUntil(admin, '[data-testid="api-form"] button[type="submit"]', async () => await admin.locator('#path-error').isVisible());
  assert.match(await admin.locator('#path-error').textContent(), /Use a URL path like orders\/v1/);
  await admin.fill('#api-path', '/orders/');
  await admin.fill('#api-service-url', 'https://orders.internal.example');
  await shot(admin, '141-new-api-form');
  await admin.getByRole('button', { name: 'Create API' }).click();
  await admin.waitForURL(/\/admin\/apis\/orders\?created=1/);
  await admin.getByText('API created.').waitFor();
  assert.equal(await admin.locator('#api-path').inputValue(), 'orders', 'stored without surrounding slashes');

  await admin.getByTestId('reference-tab').click();
  await admin.getByTestId('no-spec').waitFor();
  await admin.fill('#spec-text', 'openapi: 3.0.0\ninfo: { title: x, version: "1" }\npaths: { /a: { get: { summary: no answers } } }');
  await admin.getByTestId('spec-upload').click();
  await admin.locator('#spec-error').waitFor();
  assert.equal(await admin.locator('#spec-error').textContent(), 'GET /a has no responses: every operation needs at least one.');
  await admin.getByTestId('no-spec').waitFor();
  await shot(admin, '142-spec-refused');
  await admin.fill('#spec-text', SPEC);
  await admin.getByTestId('spec-upload').click();
  await admin.getByText('Document checked and saved.').waitFor();
  await admin.getByTestId('api-reference').waitFor();
  assert.equal(await admin.getByTestId('operation').count(), 4);
  await shot(admin, '143-spec-saved');
});

test('the product gets the API on its APIs tab, and a quota', async () => {
  await admin.goto(server.base + `/admin/products/${gold}?tab=apis`);
  await admin.getByTestId('no-product-apis').waitFor();
  await hydrated(admin);
  await admin.locator('[data-testid="add-api-form"] button[type="submit"]').click();
  await admin.getByTestId('product-apis-table').waitFor();
  const rows = await admin.locator('[data-testid="product-apis-table"] tbody tr').allInnerTexts();
  assert.equal(rows.length, 1);
  assert.match(rows[0], /Orders\t\/orders\tKey required/);
  await shot(admin, '144-product-apis-tab');

  await admin.goto(server.base + `/admin/products/${gold}`);
  await admin.getByTestId('product-limits').waitFor();
  await admin.fill('#rate-calls', 'ten');
  await admin.fill('#rate-seconds', '60');
  await clickUntil(admin, '[data-testid="product-form"] button[type="submit"]', async () => await admin.locator('#rate_limit_calls-error').isVisible());
  assert.match(await admin.locator('#rate_limit_calls-error').textContent(), /whole number of calls/);
  await admin.fill('#rate-calls', '100');
  await admin.fill('#quota-calls', '1000');
  await admin.fill('#quota-minutes', '1440');
  await shot(admin, '145-product-limits-form');
  await admin.locator('[data-testid="product-form"] button[type="submit"]').click();
  await admin.getByText('Saved').first().waitFor();
  assert.equal(await admin.locator('#quota-minutes').inputValue(), '1440');
  assert.deepEqual(admin.errors, []);
});

let page;
test('a developer reads the reference, calls the API and sees the calls and the quota left', async () => {
  page = await newPage(ctx.browser);
  await page.goto(server.base + '/sign-in?next=/products/' + gold);
  await clickUntil(page, 'button[lang="nl"]', async () => (await page.getAttribute('html', 'lang')) === 'nl');
  await page.click('button[lang="en"]');
  await page.fill('#email', 'dev@example.com');
  await page.fill('#password', 'developer password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(server.base + '/products/' + gold);
  const apis = page.getByTestId('portal-product-apis');
  await apis.waitFor();
  assert.equal(await page.getByTestId('product-rate-limit').textContent(), '100 calls per 60 seconds');
  assert.equal(await page.getByTestId('product-quota').textContent(), '1,000 calls per 1440 minutes');
  await shot(page, '146-portal-product-apis');
  await apis.getByRole('link', { name: 'Orders' }).click();
  await page.waitForURL(server.base + '/apis/orders');
  await page.getByTestId('api-reference').waitFor();
  assert.equal(await page.getByTestId('api-base-path').textContent(), '/orders');
  const ops = await page.locator('.op-index li').allInnerTexts();
  assert.deepEqual(ops.map((o) => o.split(' — ')[0].replace(/\s+/g, ' ')), ['GET /orders', 'POST /orders', 'GET /orders/{id}', 'DELETE /orders/{id}']);
  assert.ok(await page.locator('[data-testid="operation"]', { hasText: 'List orders' }).isVisible());
  await shot(page, '147-api-reference');
  assert.deepEqual(page.errors, []);

  // Subscribe (the form on the product page), then call through the key check.
  await page.goto(server.base + '/products/' + gold);
  await hydrated(page);
  await page.locator('[data-testid="subscribe-form"] button[type="submit"]').click();
  await page.getByTestId('subscribed').waitFor();
  await page.goto(server.base + '/subscriptions');
  await hydrated(page);
  await page.locator('[data-testid="primary-key"]').getByRole('button', { name: 'Show' }).click();
  await page.waitForFunction(() => /^[0-9a-f]{32}$/.test(document.querySelector('[data-testid="primary-key"] code').textContent));
  const key = await page.locator('[data-testid="primary-key"] code').textContent();
  for (let i = 0; i < 12; i++) {
    const r = await page.request.get(server.base + '/gateway/check', { headers: { 'Ocp-Apim-Subscription-Key': key, 'X-Original-URI': '/orders/' + i } });
    assert.equal(r.status(), 200);
  }
  const refused = await page.request.get(server.base + '/gateway/check', { headers: { 'Ocp-Apim-Subscription-Key': key, 'X-Original-URI': '/billing/1' } });
  assert.equal(refused.status(), 404, 'no API at /billing');
  await page.waitForTimeout(700);
  await page.reload();
  const usage = page.getByTestId('my-usage').first();
  await usage.getByTestId('usage-chart').first().waitFor();
  assert.match(await usage.getByTestId('quota-left').textContent(), /988 of 1,000 calls left until \d{4}-\d\d-\d\d 00:00 UTC/);
  assert.match(await usage.locator('figcaption').first().textContent(), /12 calls: 12 allowed, 0 refused/);
  await usage.getByText('Show the numbers').first().click();
  await shot(page, '148-my-usage');
  assert.deepEqual(page.errors, []);
});

test('the administrator sees the calls on the dashboard and the product', async () => {
  await admin.goto(server.base + '/admin');
  await admin.getByTestId('dashboard-usage').waitFor();
  assert.match(await admin.getByTestId('dashboard-usage').locator('figcaption').first().textContent(), /13 calls: 12 allowed, 0 refused/);
  const top = await admin.locator('[data-testid="top-products"] tbody tr').allInnerTexts();
  assert.match(top[0], /Gold\t12\t0/);
  await shot(admin, '149-dashboard-usage');
  await admin.goto(server.base + `/admin/products/${gold}?tab=usage`);
  await admin.getByTestId('admin-usage').getByTestId('usage-chart').first().waitFor();
  await shot(admin, '150-product-usage');
  assert.deepEqual(admin.errors, []);
});
