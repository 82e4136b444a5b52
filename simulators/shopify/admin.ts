// The simulator plays the Shopify admin around an embedded app, so the demo and browser tests can
// open the app in an ordinary browser with no access to Shopify's CDN:
//
//   GET /store/{shop}/admin/apps/{handle}  the admin page: a frame loading the app's URL with
//                                          shop, host, embedded=1 and a fresh id_token signed with
//                                          the app's secret, as the admin loads an embedded app
//   GET /cdn/app-bridge.js                 stands in for https://cdn.shopify.com/shopifycloud/app-bridge.js:
//                                          window.shopify with idToken() (fresh tokens from this
//                                          simulator), toast (shown by the admin page when framed,
//                                          always recorded in window.__toasts) and loading(); the
//                                          app's own fetches carry `Authorization: Bearer <token>`
//   GET /_control/session-token?shop=      a fresh session token, readable from any origin (the
//                                          stand-in runs on the app's origin)
//
// The app points its App Bridge script here only in demo and test mode (SHOPIFY_ADMIN_ORIGIN).
import type { Express, Request, Response } from 'express';
import type { Sim } from './context.ts';
import type { ShopifyControl } from './control.ts';
import { UnknownShop } from './control.ts';
import { mintSessionToken } from './oauth.ts';

export const APP_BRIDGE_PATH = '/cdn/app-bridge.js';

/** The App Bridge stand-in; it finds this simulator from its own script URL. */
export const APP_BRIDGE_STAND_IN = `(() => {
  const script = document.currentScript;
  const simulator = new URL(script.src).origin;
  const params = new URLSearchParams(location.search);
  // Remix navigations drop the query string: remember the shop for the tab's life.
  if (params.get('shop')) sessionStorage.setItem('tandem-admin-shop', params.get('shop'));
  const shop = sessionStorage.getItem('tandem-admin-shop');
  const framed = window.parent !== window;
  const plainFetch = window.fetch.bind(window);
  async function idToken() {
    const res = await plainFetch(simulator + '/_control/session-token?shop=' + encodeURIComponent(shop));
    if (!res.ok) throw new Error('The Shopify simulator gave no session token for ' + shop + ': HTTP ' + res.status);
    return (await res.json()).token;
  }
  // The admin draws the app's navigation (ui-nav-menu) beside the frame; here it is a bar on top.
  const style = document.createElement('style');
  style.textContent = 'ui-nav-menu { display: flex; gap: 20px; padding: 10px 20px; background: #ebebeb; font: 14px system-ui, sans-serif; } ui-nav-menu a { color: #303030; text-decoration: none; } ui-nav-menu a:hover { text-decoration: underline; }';
  document.head.append(style);
  window.__toasts = [];
  window.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin) return plainFetch(input, init);
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    headers.set('Authorization', 'Bearer ' + (await idToken()));
    return plainFetch(new Request(request, { headers }));
  };
  window.shopify = {
    config: { apiKey: script.dataset.apiKey, shop },
    idToken,
    toast: {
      show(message) {
        window.__toasts.push(message);
        if (framed) window.parent.postMessage({ type: 'shopify-simulator:toast', message: String(message) }, simulator);
        return 'toast-' + window.__toasts.length;
      },
      hide() {},
    },
    loading() {},
  };
})();
`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The admin page around the app: what a merchant sees at Apps → the app. */
function adminPage(sim: Sim, shop: { domain: string; name: string }): string {
  const app = sim.state.app;
  const frame = new URL(app.appUrl);
  frame.search = new URLSearchParams({
    shop: shop.domain,
    host: Buffer.from(`${shop.domain}/admin`).toString('base64url'),
    embedded: '1',
    id_token: mintSessionToken(sim, shop.domain),
    locale: 'en',
  }).toString();
  const appOrigin = JSON.stringify(frame.origin);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(shop.name)} · Shopify admin (simulator)</title>
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; background: #f1f1f1; }
  body { display: flex; flex-direction: column; }
  header { background: #1a1a1a; color: #e3e3e3; padding: 10px 16px; font-size: 14px; }
  header b { color: #fff; }
  iframe { flex: 1; border: 0; width: 100%; background: #fff; }
  #toasts { position: fixed; bottom: 24px; left: 50%; transform: translateX(-50%); display: flex; flex-direction: column; gap: 8px; }
  #toasts div { background: #1a1a1a; color: #fff; padding: 10px 16px; border-radius: 8px; font-size: 14px; }
</style>
</head>
<body>
<header>Shopify admin · simulator — <b>${escapeHtml(shop.name)}</b> (${escapeHtml(shop.domain)}) › Apps</header>
<iframe title="App" src="${escapeHtml(frame.href)}"></iframe>
<div id="toasts" role="status"></div>
<script>
  window.addEventListener('message', (event) => {
    if (event.origin !== ${appOrigin} || event.data?.type !== 'shopify-simulator:toast') return;
    const toast = document.createElement('div');
    toast.textContent = event.data.message;
    document.getElementById('toasts').append(toast);
    setTimeout(() => toast.remove(), 5000);
  });
</script>
</body>
</html>`;
}

function shopOr404(control: ShopifyControl, domain: string, res: Response) {
  try {
    return control.shop(domain);
  } catch (err) {
    if (!(err instanceof UnknownShop)) throw err;
    res.status(404).type('text/plain').send(err.message);
    return null;
  }
}

export function mountAdminRoutes(app: Express, sim: Sim, control: ShopifyControl) {
  app.get(APP_BRIDGE_PATH, (_req: Request, res: Response) => {
    res.type('application/javascript').set('Cache-Control', 'no-store').send(APP_BRIDGE_STAND_IN);
  });
  app.get('/_control/session-token', (req: Request, res: Response) => {
    res.set('Access-Control-Allow-Origin', '*');
    const shop = shopOr404(control, String(req.query.shop ?? ''), res);
    if (shop) res.json({ token: mintSessionToken(sim, shop.domain) });
  });
  app.get(['/store/:shop/admin/apps', '/store/:shop/admin/apps/:handle'], (req: Request, res: Response) => {
    const shop = shopOr404(control, req.params.shop, res);
    if (shop) res.type('text/html').send(adminPage(sim, shop));
  });
}
