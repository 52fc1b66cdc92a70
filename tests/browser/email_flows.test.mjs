// The flows developers go through by email, in a real browser with a real
// SMTP server (aiosmtpd): accept an invitation, sign up and verify, reset a
// forgotten password, and links that have expired.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, adminPage, clickUntil, launchBrowser, newPage, shot, startServer, startSmtp } from './harness.mjs';

const ctx = {};
let smtp;
before(async () => {
  smtp = await startSmtp();
  ctx.server = await startServer({ GATEHOUSE_ADMIN_EMAIL: ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: ADMIN.password,
                                   GATEHOUSE_ORGANIZATION_NAME: 'Acme APIs', ...smtp.env });
  ctx.browser = await launchBrowser();
});
after(async () => {
  await ctx.browser?.close();
  ctx.server?.stop();
  smtp?.stop();
});

/** Waits until the page's app is live (the language switch answers). */
async function hydrated(page) {
  await clickUntil(page, 'button[lang="nl"]', async () => (await page.getAttribute('html', 'lang')) === 'nl');
  await page.click('button[lang="en"]');
}

test('an administrator invites; the developer accepts from the email and lands signed in', async () => {
  const admin = await adminPage(ctx, '/admin/users');
  await admin.getByTestId('invite-user').click();
  await admin.waitForURL(/\/admin\/users\/invite$/);
  await admin.fill('#email', 'grace@example.com');
  await admin.fill('#first_name', 'Grace');
  await admin.fill('#last_name', 'Hopper');
  await admin.getByRole('button', { name: 'Send invitation' }).click();
  await admin.getByTestId('invited').waitFor();
  assert.match(await admin.getByTestId('invited').textContent(), /grace@example\.com/);
  // The form empties, ready for the next one.
  await admin.waitForFunction(() => document.querySelector('#email').value === '', null, { timeout: 5000 });
  await shot(admin, '60-invite-sent');

  await admin.goto(ctx.server.base + '/admin/invitations');
  await admin.getByTestId('invitation-row').first().waitFor();
  assert.match(await admin.getByTestId('invitations-table').textContent(), /Grace Hopper.*grace@example\.com.*Pending/s);
  await shot(admin, '61-invitations');

  const mail = await smtp.waitForMail('grace@example.com', 'invited to the Acme APIs developer portal');
  assert.match(mail.text, /Hello Grace,/);
  const dev = await newPage(ctx.browser);
  await dev.goto(mail.link);
  await dev.waitForURL(ctx.server.base + '/invitation');
  assert.doesNotMatch(dev.url(), /\/l\//, 'the token is not left in the address bar');
  await dev.getByTestId('accept-invitation').waitFor();
  assert.match(await dev.textContent('main'), /Acme APIs invited Grace Hopper \(grace@example\.com\)/);
  await hydrated(dev);
  // A rule failure says which rule, next to the field.
  await dev.fill('#password', 'password1');
  await dev.fill('#confirm', 'password1');
  await dev.getByRole('button', { name: 'Accept and sign in' }).click();
  await dev.getByText('one of the most common passwords').waitFor();
  await shot(dev, '62-accept-invitation-rule');
  await dev.fill('#password', 'graces own passphrase');
  await dev.fill('#confirm', 'graces own passphrase');
  await dev.getByRole('button', { name: 'Accept and sign in' }).click();
  await dev.waitForURL(ctx.server.base + '/');
  await dev.getByRole('link', { name: 'Profile' }).waitFor();
  await dev.goto(ctx.server.base + '/profile');
  assert.match(await dev.textContent('main'), /grace@example\.com/);
  assert.match(await dev.textContent('main'), /Developers/);
  await shot(dev, '63-invited-developer-signed-in');

  // The same link again: a plain page that says it was used, and what to do.
  const again = await newPage(ctx.browser);
  await again.goto(mail.link);
  await again.getByTestId('link-problem').waitFor();
  assert.equal(await again.getByTestId('link-problem').getAttribute('data-problem'), 'used');
  assert.match(await again.textContent('main'), /This link was already used/);
  assert.match(await again.textContent('main'), /sign in with your email address and the password you chose/);
  await shot(again, '64-invitation-already-used');
  for (const p of [admin, dev, again]) assert.deepEqual(p.errors, []);
});

test('a visitor signs up, verifies the address from the email, and signs in', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.server.base + '/sign-in');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.waitForURL(/\/sign-up$/);
  await hydrated(page);
  await page.fill('#email', 'sam@example.com');
  await page.fill('#first_name', 'Sam');
  await page.fill('#last_name', 'Signup');
  await page.fill('#password', 'sams long passphrase');
  assert.match(await page.textContent('#password-rule'), /At least 8 and at most 128 characters/);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByTestId('signup-done').waitFor();
  await shot(page, '65-signed-up');

  const mail = await smtp.waitForMail('sam@example.com', 'Confirm your email address');
  await page.goto(mail.link);
  await page.waitForURL(ctx.server.base + '/verify-email');
  await page.getByTestId('verify').waitFor();
  await hydrated(page);
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await page.getByTestId('verified').waitFor();
  await shot(page, '66-email-verified');
  await page.getByRole('link', { name: 'Sign in' }).last().click();
  await page.waitForURL(/\/sign-in$/);
  await page.fill('#email', 'sam@example.com');
  await page.fill('#password', 'sams long passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(ctx.server.base + '/');
  await page.getByRole('link', { name: 'Profile' }).waitFor();
  assert.deepEqual(page.errors, []);
});

test('forgot password: the email link sets a new password and signs out every other session', async () => {
  // Signed in on a "laptop" with the current password.
  const laptop = await newPage(ctx.browser);
  await laptop.goto(ctx.server.base + '/sign-in');
  await hydrated(laptop);
  await laptop.fill('#email', 'sam@example.com');
  await laptop.fill('#password', 'sams long passphrase');
  await laptop.getByRole('button', { name: 'Sign in' }).click();
  await laptop.getByRole('link', { name: 'Profile' }).waitFor();

  const page = await newPage(ctx.browser);
  await page.goto(ctx.server.base + '/sign-in');
  await page.getByTestId('forgot-link').click();
  await page.waitForURL(/\/forgot-password$/);
  await hydrated(page);
  await page.fill('#email', 'sam@example.com');
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await page.getByTestId('forgot-done').waitFor();
  await shot(page, '67-forgot-password-sent');

  const mail = await smtp.waitForMail('sam@example.com', 'Reset your');
  await page.goto(mail.link);
  await page.waitForURL(ctx.server.base + '/reset-password');
  await page.getByTestId('reset-form-card').waitFor();
  await hydrated(page);
  await page.fill('#password', 'a brand new passphrase');
  await page.fill('#confirm', 'a brand new passphrase');
  await shot(page, '68-reset-password');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.getByTestId('reset-done').waitFor();

  // The laptop is signed out: its next page asks to sign in.
  await laptop.goto(ctx.server.base + '/profile');
  await laptop.waitForURL(/\/sign-in/);
  // The old password no longer works; the new one does.
  await laptop.fill('#email', 'sam@example.com');
  await laptop.fill('#password', 'sams long passphrase');
  await laptop.getByRole('button', { name: 'Sign in' }).click();
  await laptop.getByText('Email or password is incorrect.').waitFor();
  await laptop.fill('#password', 'a brand new passphrase');
  await laptop.getByRole('button', { name: 'Sign in' }).click();
  await laptop.getByRole('heading', { name: 'Your profile' }).or(laptop.getByRole('link', { name: 'Profile' })).first().waitFor();
  for (const p of [page, laptop]) assert.deepEqual(p.errors, []);
});

test('links that have expired say so plainly (the clock moved three days on)', async () => {
  const admin = await adminPage(ctx, '/admin/users/invite');
  await admin.fill('#email', 'late@example.com');
  await admin.fill('#first_name', 'Late');
  await admin.fill('#last_name', 'Comer');
  await admin.getByRole('button', { name: 'Send invitation' }).click();
  await admin.getByTestId('invited').waitFor();
  const mail = await smtp.waitForMail('late@example.com', 'invited');

  // Restart the server on the same data with its clock three days on.
  await ctx.server.stopped();
  ctx.server = await startServer({ GATEHOUSE_CLOCK_OFFSET_SECONDS: String(3 * 86400), ...smtp.env }, ctx.server.dir);
  const page = await newPage(ctx.browser);
  await page.goto(mail.link.replace(/^http:\/\/[^/]+/, ctx.server.base));
  await page.getByTestId('link-problem').waitFor();
  assert.equal(await page.getByTestId('link-problem').getAttribute('data-problem'), 'expired');
  assert.match(await page.textContent('main'), /This link has expired/);
  assert.match(await page.textContent('main'), /Ask the person who invited you to send a new invitation/);
  await shot(page, '69-invitation-expired');

  const admin2 = await adminPage(ctx, '/admin/invitations?state=expired');
  await admin2.getByTestId('invitation-row').first().waitFor();
  assert.match(await admin2.getByTestId('invitations-table').textContent(), /late@example\.com.*Expired/s);
  assert.deepEqual(page.errors, []);
});
