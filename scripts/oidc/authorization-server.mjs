// A real OAuth 2.1 / OpenID authorization server for the front-door auth tests: the npm
// package `oidc-provider` (OpenID Certified), configured as an MCP client expects one:
// dynamic client registration (RFC 7591), PKCE, resource indicators (RFC 8707) with JWT
// access tokens (RFC 9068) whose audience is the MCP server's canonical URL.
//
// The login and consent screens are replaced by an interaction that signs in at once and
// grants the scopes asked for, so a test's browserless client can complete the
// authorization-code flow by following redirects. The account signed in is the one named
// `user=ACCOUNT` in the registered client's `client_name`, else AUTO_LOGIN_ACCOUNT
// (default "alice@example.com"): how one test plays several users. Test use only.
//
//   node authorization-server.mjs PORT RESOURCE_URL [SCOPES]
//
// Prints one line when ready: `ready ISSUER`, and serves until killed.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

const [port, resource, scopeList = 'read write'] = process.argv.slice(2);
if (!port || !resource) {
  console.error('usage: node authorization-server.mjs PORT RESOURCE_URL [SCOPES]');
  process.exit(2);
}
const account = process.env.AUTO_LOGIN_ACCOUNT || 'alice@example.com';
const issuer = `http://127.0.0.1:${port}`;
const resourceScopes = scopeList.split(/\s+/).filter(Boolean);

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  jwks: { keys: [jwk] },
  scopes: ['openid', 'offline_access', ...resourceScopes],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, email: id.includes('@') ? id : undefined, email_verified: true }),
  }),
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator) => {
        if (indicator !== resource) throw new Provider.errors.InvalidTarget();
        return {
          scope: resourceScopes.join(' '),
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  // Add the account's email to the access token, as many authorization servers do.
  extraTokenClaims: (ctx, token) => (token.kind === 'AccessToken' && token.accountId?.includes('@') ? { email: token.accountId } : undefined),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  clientDefaults: { grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' },
  pkce: { required: () => true },
  ttl: { AccessToken: 300, AuthorizationCode: 60, Grant: 600, Interaction: 600, Session: 600, IdToken: 300, RefreshToken: 600 },
});
provider.proxy = false;

// The automatic interaction: log in as `account`, grant what was asked.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match || ctx.method !== 'GET') return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params } = details;
  let result;
  if (prompt.name === 'login') {
    const client = await provider.Client.find(params.client_id);
    const named = /(?:^|\s)user=(\S+)/.exec(client?.metadata().client_name || '');
    result = { login: { accountId: named ? named[1] : account } };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    result = { consent: { grantId: await grant.save() } };
  }
  await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
});

provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
