// The OAuth2 authorization-code flow a connector with `authKind: 'oauth2'` offers the marketplace:
// where the merchant consents, where the code is exchanged, and how the account the merchant chose
// (an organisation, a store) is read once Tandem holds a token. The engine runs the flow itself
// (app/sync/connector-oauth.server.ts); a connector only describes its platform's side.

/** The token endpoint's answer to the code exchange (RFC 6749 §5.1), parsed. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken?: string;
  /** ISO time the access token expires, when the platform says. */
  expiresAt?: string;
  /** The whole answer: platforms add their own fields (Lightspeed's domain_prefix). */
  raw: Record<string, unknown>;
}

export interface OAuthAccountInput {
  tokens: OAuthTokens;
  /** The query of the platform's redirect back to Tandem (code, state and the platform's extras). */
  callback: URLSearchParams;
  /** A vendor URL as Tandem must call it: unchanged, or at the simulator standing in for the vendor. */
  at(url: string): string;
  fetch: typeof fetch;
}

export interface OAuthFlow {
  /** The vendor's consent page (its docs' authorization URL). */
  authorizeUrl: string;
  /** The token endpoint for this authorization; a platform may name it per account in the redirect. */
  tokenUrl(callback: URLSearchParams): string;
  scopes: string[];
  /** How the client id and secret reach the token endpoint: HTTP Basic or form fields. */
  clientAuth: 'basic' | 'body';
  /** The config field the authorization decides (the connection's account); not asked on the form. */
  accountField: string;
  /** Reads that account once the code is exchanged; throws with a merchant's message when there is none. */
  accountOf(input: OAuthAccountInput): Promise<string>;
}
