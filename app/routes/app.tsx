// The embedded app's frame: every /app page is authenticated (session token, token exchange) and
// wrapped in App Bridge + Polaris.
import type { HeadersFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Link, Outlet, useLoaderData, useRouteError } from '@remix-run/react';
import { NavMenu } from '@shopify/app-bridge-react';
import { boundary } from '@shopify/shopify-app-remix/server';
import { AppProvider } from '@shopify/shopify-app-remix/react';
import polarisStyles from '@shopify/polaris/build/esm/styles.css?url';
import { env } from '../env.server.ts';
import { appBridgeScriptUrl, authenticate } from '../shopify.server.ts';

export const links = () => [{ rel: 'stylesheet', href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return { apiKey: env().SHOPIFY_API_KEY, appBridgeUrl: appBridgeScriptUrl() };
};

export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/partners">Partners</Link>
        <Link to="/app/sync">Sync</Link>
        <Link to="/app/approvals">Approvals</Link>
        <Link to="/app/activity">Activity</Link>
        <Link to="/app/connectors">Connectors</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// shopify-app-remix answers auth problems by throwing responses (redirects, App Bridge bounce);
// its boundary renders them and keeps the headers they need.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
