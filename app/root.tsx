// The document shell. Polaris and App Bridge are set up per section (app.tsx), not here, so
// resource routes (webhooks, healthz) and the login page stay free of the embedded frame.
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from '@remix-run/react';

export const links = () => [{ rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' }];

export default function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
