// A real OpenID provider for the tests: the npm package oidc-provider (a
// certified implementation) on a free port of 127.0.0.1, with one client.
// Prints {"port": N} once it listens. Its login page is a plain form
// (POST /interaction/<uid>/login with `login` = an account id); consent is
// granted for the first-party client. Test controls, all JSON over POST:
//   /test/accounts  {id, claims}   adds or replaces an account's claims
//   /test/client    {redirect_uris} sets the client's redirect URIs
//   /test/rotate                    replaces the signing key (new kid)
//   /test/tamper    {mode}          the next token answers carry an ID token
//                                   that is: "signature" (changed payload,
//                                   old signature), "nonce", "audience" or
//                                   "expired" (re-signed with the real key);
//                                   "" for honest answers again
import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

process.removeAllListeners('warning');
const CLIENT_ID = process.env.IDP_CLIENT_ID || 'gatehouse';
const CLIENT_SECRET = process.env.IDP_CLIENT_SECRET || 'idp-test-secret';

const accounts = new Map();
let redirectUris = ['http://127.0.0.1/never'];
let keys = [];
let keyCounter = 0;
let tamper = '';
let provider;
let issuer;

async function newKey() {
  keyCounter += 1;
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: `key-${keyCounter}`, alg: 'RS256', use: 'sig' };
}

function build() {
  provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
      groups: ['groups'],
    },
    // The claims of the granted scopes go into the ID token itself, as
    // Entra ID, Okta and Keycloak put them there.
    conformIdTokenClaims: false,
    findAccount: async (ctx, id) => {
      const claims = accounts.get(id);
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    // First-party client: consent is given without asking.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const found = await ctx.oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
    cookies: { keys: ['idp-test-cookie-key'] },
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && tamper && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token, tamper) };
    }
  });
}

async function tampered(token, mode) {
  const [h, p, s] = token.split('.');
  const claims = jose.decodeJwt(token);
  if (mode === 'signature') {
    const changed = Buffer.from(JSON.stringify({ ...claims, email: 'someone.else@example.com' })).toString('base64url');
    return `${h}.${changed}.${s}`;
  }
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'nonce') claims.nonce = 'not-the-nonce-of-this-sign-in';
  if (mode === 'audience') claims.aud = 'another-client';
  if (mode === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
  const key = await jose.importJWK(keys[0], 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: keys[0].kid, typ: 'JWT' }).sign(key);
}

function body(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => { data += c; });
    req.on('end', () => resolve(data));
  });
}

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const json = async () => JSON.parse((await body(req)) || '{}');
    const done = (obj = { ok: true }) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
    if (req.method === 'POST' && url.pathname === '/test/accounts') {
      const { id, claims } = await json();
      accounts.set(id, claims);
      return done();
    }
    if (req.method === 'POST' && url.pathname === '/test/client') {
      redirectUris = (await json()).redirect_uris;
      build();
      return done();
    }
    if (req.method === 'POST' && url.pathname === '/test/rotate') {
      keys = [await newKey()];
      build();
      return done({ kid: keys[0].kid });
    }
    if (req.method === 'POST' && url.pathname === '/test/tamper') {
      tamper = (await json()).mode || '';
      return done();
    }
    const m = url.pathname.match(/^\/interaction\/([^/]+)(\/login|\/abort)?$/);
    if (m) {
      const details = await provider.interactionDetails(req, res);
      if (!m[2]) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(`<!doctype html><html lang="en"><head><title>Test identity provider</title>
<style>body{font-family:sans-serif;max-width:26rem;margin:4rem auto}input,button{font-size:1rem;padding:.4rem;width:100%;margin:.3rem 0}</style></head>
<body><h1>Test identity provider</h1><p>Sign in to continue to ${escape(details.params.client_id)}.</p>
<form method="post" action="/interaction/${escape(m[1])}/login">
<label for="login">Account</label><input id="login" name="login" autofocus>
<button type="submit">Continue</button></form>
<p><a href="/interaction/${escape(m[1])}/abort">Cancel</a></p></body></html>`);
      }
      if (m[2] === '/abort') {
        return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'cancelled' }, { mergeWithLastSubmission: false });
      }
      const form = new URLSearchParams(await body(req));
      const login = form.get('login');
      if (!accounts.has(login)) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return res.end(`no test account ${login}`);
      }
      return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    }
    return provider.callback()(req, res);
  } catch (e) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(e && e.stack || e));
  }
});

server.listen(0, '127.0.0.1', async () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  keys = [await newKey()];
  build();
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
