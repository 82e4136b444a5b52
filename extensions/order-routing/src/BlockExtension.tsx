// "Tandem routing" on the order page: per supplier, where this order went, its state, why it failed
// and the fix, and the tracking. What each line says is decided in model.ts.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '@shopify/ui-extensions/admin.order-details.block.render';
import { callApp, type AppAnswer } from '../../shared/app-backend.ts';
import { blockView, isOrderRouting, orderRoutingPath, type RouteView } from './model.ts';
import type { OrderRouting } from '../../../app/sync/order-routing-answer.ts';

// The admin hands every extension its API as the global `shopify` (admin-extensions docs).
declare const shopify: Api;

/** Shopify CLI's bundle calls this for admin.order-details.block.render. */
export default function extension() {
  render(<OrderRoutingBlock />, document.body);
}

function OrderRoutingBlock() {
  const path = orderRoutingPath(shopify.data.selected[0]?.id);
  const [answer, setAnswer] = useState<AppAnswer<OrderRouting> | null>(path ? null : { ok: false, message: 'This page did not say which order it shows.' });

  useEffect(() => {
    if (path) callApp(path, { method: 'GET' }, isOrderRouting).then(setAnswer);
  }, [path]);

  if (!answer) {
    return (
      <s-admin-block heading="Tandem routing">
        <s-spinner accessibilityLabel="Reading where this order went" />
      </s-admin-block>
    );
  }
  if (!answer.ok) {
    return (
      <s-admin-block heading="Tandem routing" collapsedSummary="Unavailable">
        <s-banner tone="critical">{answer.message}</s-banner>
      </s-admin-block>
    );
  }
  const view = blockView(answer.data);
  return (
    <s-admin-block heading="Tandem routing" collapsedSummary={view.summary}>
      <s-stack direction="block" gap="base">
        {view.empty && <s-paragraph>{view.empty}</s-paragraph>}
        {view.routes.map((route) => (
          <Route key={route.key} route={route} />
        ))}
      </s-stack>
    </s-admin-block>
  );
}

function Route({ route }: { route: RouteView }) {
  return (
    <s-stack direction="block" gap="small-200">
      <s-stack direction="inline" gap="small-200">
        <s-text type="strong">{route.heading}</s-text>
        <s-badge tone={route.badge.tone}>{route.badge.label}</s-badge>
      </s-stack>
      {route.facts.map((fact) => (
        <s-text key={fact.label}>
          {fact.label}: {fact.value}
        </s-text>
      ))}
      {route.failure && (
        <s-banner tone="critical" heading={route.failure.heading}>
          <s-paragraph>{route.failure.message}</s-paragraph>
          <s-paragraph>{route.failure.fix}</s-paragraph>
        </s-banner>
      )}
      {route.shipments.map((s) => (
        <s-stack key={s.text} direction="block" gap="small-300">
          {s.trackingUrl ? (
            <s-link href={s.trackingUrl} target="_blank">
              {s.text}
            </s-link>
          ) : (
            <s-text>{s.text}</s-text>
          )}
          <s-text tone={s.tone}>{s.status}</s-text>
        </s-stack>
      ))}
      {route.history.length > 0 && (
        <s-unordered-list>
          {route.history.map((line) => (
            <s-list-item key={line}>{line}</s-list-item>
          ))}
        </s-unordered-list>
      )}
    </s-stack>
  );
}
