// X-Series' authorization-code flow (x-series-api.lightspeedhq.com/docs/authorization; contracts
// README "Key facts"): consent at secure.retail.lightspeed.app/connect, which redirects back with
// the store's domain_prefix; the code is exchanged at that store's /api/1.0/token, whose answer
// names the store again.
import { Invalid } from '../sdk/errors.ts';
import type { OAuthFlow } from '../sdk/oauth.ts';

const PREFIX = /^[a-z0-9][a-z0-9-]*$/;

export const lightspeedOAuth: OAuthFlow = {
  authorizeUrl: 'https://secure.retail.lightspeed.app/connect',
  tokenUrl: (callback) => {
    const prefix = callback.get('domain_prefix') ?? '';
    if (!PREFIX.test(prefix)) throw Invalid('Lightspeed’s redirect named no store (domain_prefix)', undefined, { connectorId: 'lightspeed-x', merchantMessage: 'Lightspeed did not say which store was connected. Connect Lightspeed again.' });
    return `https://${prefix}.retail.lightspeed.app/api/1.0/token`;
  },
  scopes: [],
  clientAuth: 'body',
  accountField: 'domainPrefix',
  async accountOf({ tokens, callback }) {
    const prefix = typeof tokens.raw.domain_prefix === 'string' ? tokens.raw.domain_prefix : callback.get('domain_prefix');
    if (!prefix || !PREFIX.test(prefix)) throw Invalid('Lightspeed named no store', undefined, { connectorId: 'lightspeed-x', merchantMessage: 'Lightspeed did not say which store was connected. Connect Lightspeed again.' });
    return prefix;
  },
};
