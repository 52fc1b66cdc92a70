// axe-core (WCAG 2.1 A and AA, and best practice) over every screen, with
// data in its tables, in English and in Dutch: any violation fails, with the
// rule, the element and axe's help text in the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, ADMIN, adminPage, clickUntil, newPage, serverAndBrowser, shot } from './harness.mjs';

const AXE = readFileSync(join(root, 'tests/browser/node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

let server, admin, dev;
const DEV = { email: 'dana@example.com', password: 'developer passphrase' };
const ctx = serverAndBrowser(async (c) => {
  server = c.server;
  admin = await adminPage(c, '/admin');
});

async function api(page, path, body, json = false) {
  const res = await page.request.post(server.base + '/api/' + path,
    { ...(json ? { data: body } : { form: body }), headers: { origin: server.base } });
  assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
  return res.json();
}

/** Runs axe on the page as it is now; returns readable violations. */
async function violations(page) {
  // page.evaluate is not subject to the page's CSP, unlike an injected <script>.
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\n/g, ' ')).join('\n    ')}`);
}

/** Waits for a screen to finish loading: no "Loading…" left and the main heading there. */
async function settled(page) {
  await page.locator('h1').first().waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => !document.querySelector('.loading') && !/Loading…|Laden…/.test(document.body.innerText), null, { timeout: 15_000 });
  await page.waitForTimeout(200);
}

async function toLang(page, lang) {
  if ((await page.getAttribute('html', 'lang')) === lang) return;
  await clickUntil(page, `button[lang="${lang}"]`, async () => (await page.getAttribute('html', 'lang')) === lang);
}

let userUid, groupUid, productUid;
test('arrange: a developer with a subscription, a group, a product, an invitation, an access token', async () => {
  userUid = await api(admin, 'admin/users/create', { email: DEV.email, first_name: 'Dana', last_name: 'Developer', password: DEV.password, note: 'Partner' });
  groupUid = await api(admin, 'admin/groups/create', { kind: 'custom', name: 'Partners', description: 'Our partners' });
  await api(admin, 'admin/users/bulk', { uids: [userUid], action: { AddToGroup: groupUid }, reason: null }, true);
  productUid = await api(admin, 'admin/products/create', { form: { name: 'Orders API', description: 'Orders and invoices.', terms: 'Be nice.', published: true, subscription_required: true, approval_required: false, subscriptions_limit: '' } }, true);
  const [, version] = await api(admin, 'admin/products/visibility', { uid: productUid });
  await api(admin, 'admin/products/set_visibility', { uid: productUid, version, groups: [groupUid, 'guests'] }, true);
  await api(admin, 'admin/apis/create', { form: { name: 'Orders', description: 'Place and track orders.', path: 'orders', protocols: ['https'], service_url: '', subscription_required: true } }, true);
  await api(admin, 'admin/apis/spec', { uid: 'orders', text: 'openapi: 3.0.0\ninfo: { title: Orders, version: "1" }\npaths:\n  /orders/{id}:\n    get:\n      summary: One order\n      parameters: [ { name: id, in: path, required: true, schema: { type: integer } } ]\n      responses: { "200": { description: The order } }\n' }, true);
  await api(admin, 'admin/products/set_api', { product: productUid, api: 'orders', inside: true });
  await api(admin, 'admin/invitations/invite', { email: 'ivy@example.com', first_name: 'Ivy', last_name: 'Invited', lang: 'en' });
  await api(admin, 'admin/tokens/create', { name: 'CI pipeline', valid_days: 30 });
  dev = await newPage(ctx.browser);
  await dev.goto(server.base + '/sign-in');
  await toLang(dev, 'nl');
  await toLang(dev, 'en');
  await dev.fill('#email', DEV.email);
  await dev.fill('#password', DEV.password);
  await dev.getByRole('button', { name: 'Sign in' }).click();
  await dev.waitForURL(server.base + '/');
  await api(dev, 'subscriptions/subscribe', { product: productUid, name: 'My orders app', accept_terms: true });
});

const ADMIN_SCREENS = () => [
  '/admin', '/admin/users', '/admin/users/new', '/admin/users/invite', `/admin/users/${userUid}`,
  '/admin/invitations', '/admin/groups', `/admin/groups/${groupUid}`, '/admin/products', '/admin/products/new',
  `/admin/products/${productUid}`, `/admin/products/${productUid}?tab=visibility`,
  `/admin/products/${productUid}?tab=apis`, `/admin/products/${productUid}?tab=usage`, '/admin/apis', '/admin/apis/new',
  '/admin/apis/orders', '/admin/apis/orders?tab=reference', '/admin/subscriptions',
  '/admin/emails', '/admin/emails/templates', '/admin/emails/templates/inviteUserNotificationMessage', '/admin/activity',
  '/admin/activity?kind=subscription&id=none',
  '/admin/tokens', '/admin/settings',
];
const DEV_SCREENS = () => ['/', `/products/${productUid}`, '/apis/orders', '/subscriptions', '/profile'];
const VISITOR_SCREENS = ['/', '/sign-in', '/sign-up', '/forgot-password', '/no-such-page'];

for (const lang of ['en', 'nl']) {
  test(`no axe violation on any screen (${lang})`, async () => {
    const found = [];
    const check = async (page, path, who) => {
      await page.goto(server.base + path);
      try {
        await toLang(page, lang);
        await settled(page);
      } catch (e) {
        await shot(page, `axe-unsettled-${who}-${path.replace(/[^a-z0-9]+/gi, '_')}`);
        throw new Error(`${who} ${path} [${lang}] did not finish loading: ${e.message}`);
      }
      const v = await violations(page);
      if (v.length) {
        found.push(`${who} ${path} [${lang}]:\n  ${v.join('\n  ')}`);
        await shot(page, `axe-${lang}-${who}-${path.replace(/[^a-z0-9]+/gi, '_')}`);
      }
    };
    for (const path of ADMIN_SCREENS()) await check(admin, path, 'admin');
    for (const path of DEV_SCREENS()) await check(dev, path, 'developer');
    const visitor = await newPage(ctx.browser);
    for (const path of VISITOR_SCREENS) await check(visitor, path, 'visitor');
    await visitor.close();
    await toLang(admin, 'en');
    await toLang(dev, 'en');
    assert.equal(found.length, 0, `axe found violations:\n${found.join('\n')}`);
  });
}
