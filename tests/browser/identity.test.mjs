// Sign-in through an identity provider in a real browser, against a real
// OpenID provider (npm's oidc-provider, tests/browser/idp.mjs): an
// administrator configures it under Settings, a developer signs in with the
// button, passes the provider's login page and lands signed in, with the
// identity and the synced group on the user page; a problem the provider
// sign-in came back with is shown on the sign-in page; switching password
// sign-in off for developers says so on the sign-in page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { adminPage, newPage, root, serverAndBrowser, shot } from './harness.mjs';

let ctx, server, admin, idp, issuer;

async function startIdp() {
  const child = spawn(process.execPath, [join(root, 'tests/browser/idp.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((ok, fail) => {
    let seen = '';
    child.stdout.on('data', (c) => {
      seen += c;
      const m = seen.match(/\{"port":(\d+)\}/);
      if (m) ok(Number(m[1]));
    });
    child.on('exit', (code) => fail(new Error(`idp exited with ${code}`)));
  });
  return { child, issuer: `http://127.0.0.1:${port}` };
}

async function control(path, body) {
  const res = await fetch(issuer + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.ok(res.ok, `${path}: ${res.status}`);
}

ctx = serverAndBrowser(async (c) => {
  server = c.server;
  idp = await startIdp();
  issuer = idp.issuer;
  admin = await adminPage(c, '/admin/settings');
});
after(() => idp?.child.kill());

test('an administrator configures an OpenID provider under Settings', async () => {
  const g = await admin.request.post(server.base + '/api/admin/groups/create', {
    form: { kind: 'external', name: 'Platform team', description: '', external_id: 'platform' },
    headers: { origin: server.base },
  });
  assert.ok(g.ok(), await g.text());

  await admin.goto(server.base + '/admin/settings');
  const card = admin.getByTestId('provider-oidc');
  await card.waitFor();
  await card.locator('summary').click();
  await card.locator('#oidc-display_name').fill('Company SSO');
  await card.locator('#oidc-authority').fill(issuer);
  await card.locator('#oidc-client_id').fill('gatehouse');
  await card.locator('#oidc-client_secret').fill('idp-test-secret');
  await card.locator('#oidc-scopes').fill('openid email profile groups');
  await card.locator('#oidc-groups_claim').fill('groups');
  await card.getByRole('button', { name: 'Save' }).click();
  await admin.getByTestId('identity-providers').getByText('Saved').waitFor();
  await card.getByText('in use, button').waitFor();
  const redirect = await card.getByTestId('redirect-uri').textContent();
  assert.equal(redirect, server.base + '/oidc/oidc/callback');
  await control('/test/client', { redirect_uris: [redirect] });
  await shot(admin, '170-settings-identity-provider');
  assert.deepEqual(admin.errors, []);
});

test('a developer signs in with the button and the provider\'s login page', async () => {
  await control('/test/accounts', { id: 'kim', claims: { email: 'kim@example.com', email_verified: true, given_name: 'Kim', family_name: 'Tan', groups: ['platform'] } });
  const page = await newPage(ctx.browser);
  await page.goto(server.base + '/sign-in');
  const button = page.getByRole('link', { name: 'Sign in with Company SSO' });
  await button.waitFor();
  await page.getByText('or with your password').waitFor();
  await shot(page, '171-sign-in-with-provider');
  await button.click();
  await page.waitForURL(issuer + '/**');
  await page.fill('#login', 'kim');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(server.base + '/');
  await page.getByRole('link', { name: 'Profile' }).waitFor();
  await page.goto(server.base + '/profile');
  await page.locator('#first_name').waitFor();
  assert.equal(await page.inputValue('#first_name'), 'Kim', 'the name from the provider');
  const rows = page.getByTestId('sessions-table').locator('tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  await shot(page, '172-profile-after-provider-sign-in');
  assert.deepEqual(page.errors, []);

  // The administrator sees the identity and the group from the claim.
  await admin.goto(server.base + '/admin/users?q=kim');
  const row = admin.getByTestId('users-table').locator('tbody tr', { hasText: 'kim@example.com' });
  await row.locator('a').first().click();
  await admin.waitForURL(/\/admin\/users\/[0-9a-f]+$/);
  const ids = admin.getByTestId('user-identities');
  await ids.waitFor();
  assert.match(await ids.textContent(), /oidc: kim/);
  await admin.getByText('Platform team').first().waitFor();
  await shot(admin, '173-user-with-provider-identity');
});

test('a problem from the provider sign-in is shown on the sign-in page', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(server.base + '/sign-in?sso=unverified');
  const banner = page.getByTestId('sso-problem');
  await banner.waitFor();
  assert.match(await banner.textContent(), /has not confirmed the address/);
  await shot(page, '174-sign-in-provider-problem');
});

test('password sign-in switched off for developers', async () => {
  await admin.goto(server.base + '/admin/settings');
  const form = admin.getByTestId('password-sign-in');
  await form.waitFor();
  await form.getByLabel('Developers may sign in with a password').uncheck();
  await form.getByRole('button', { name: 'Save' }).click();
  await admin.getByTestId('identity-providers').getByText('Saved').waitFor();
  const page = await newPage(ctx.browser);
  await page.goto(server.base + '/sign-in');
  await page.getByText('Administrators: sign in with your password').waitFor();
  await shot(page, '175-sign-in-password-for-administrators');
});
