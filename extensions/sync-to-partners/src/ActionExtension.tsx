// "Sync to partners now" in the product page's More actions menu: which retailers this product
// goes to and where it stands there, and a button that queues a catalog sync of just this product
// for each of them. What to show and when the button works is decided in model.ts.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '@shopify/ui-extensions/admin.product-details.action.render';
import { callApp } from '../../shared/app-backend.ts';
import { emptyMessage, isProductSyncResult, isProductSyncStatus, partnerLine, productSyncPath, resultNotice, syncButton, type ActionPhase } from './model.ts';

// The admin hands every extension its API as the global `shopify` (admin-extensions docs).
declare const shopify: Api;

/** Shopify CLI's bundle calls this for admin.product-details.action.render. */
export default function extension() {
  render(<SyncToPartners />, document.body);
}

function SyncToPartners() {
  const path = productSyncPath(shopify.data.selected[0]?.id);
  const [phase, setPhase] = useState<ActionPhase>(path ? { step: 'loading' } : { step: 'unavailable', message: 'This page did not say which product it shows.' });

  useEffect(() => {
    if (!path) return;
    callApp(path, { method: 'GET' }, isProductSyncStatus).then((answer) =>
      setPhase(answer.ok ? { step: 'ready', status: answer.data } : { step: 'unavailable', message: answer.message }),
    );
  }, [path]);

  const sync = async () => {
    if (!path || !('status' in phase)) return;
    const { status } = phase;
    setPhase({ step: 'syncing', status });
    const answer = await callApp(path, { method: 'POST' }, isProductSyncResult);
    setPhase(answer.ok ? { step: 'synced', status, result: answer.data } : { step: 'sync-failed', status, message: answer.message });
  };

  const button = syncButton(phase);
  return (
    <s-admin-action heading="Sync to partners">
      <s-stack direction="block" gap="base">
        {phase.step === 'unavailable' && <s-banner tone="critical">{phase.message}</s-banner>}
        {phase.step === 'sync-failed' && <s-banner tone="critical">{phase.message}</s-banner>}
        {phase.step === 'synced' && <Notice notice={resultNotice(phase.result)} />}
        {'status' in phase && <Partners phase={phase} />}
      </s-stack>
      <s-button slot="primary-action" variant="primary" disabled={button.disabled} loading={button.loading} onClick={sync}>
        {button.label}
      </s-button>
      <s-button slot="secondary-actions" onClick={() => shopify.close()}>
        Close
      </s-button>
    </s-admin-action>
  );
}

function Notice({ notice }: { notice: ReturnType<typeof resultNotice> }) {
  return (
    <s-banner tone={notice.tone} heading={notice.heading}>
      {notice.lines.map((line) => (
        <s-paragraph key={line}>{line}</s-paragraph>
      ))}
    </s-banner>
  );
}

function Partners({ phase }: { phase: Extract<ActionPhase, { status: unknown }> }) {
  const empty = emptyMessage(phase.status);
  return (
    <s-stack direction="block" gap="base">
      {empty && <s-paragraph>{empty}</s-paragraph>}
      {phase.status.partners.map(partnerLine).map((line) => (
        <s-stack key={line.partnershipId} direction="block" gap="small-200">
          <s-stack direction="inline" gap="small-200">
            <s-text type="strong">{line.partner}</s-text>
            <s-badge tone={line.badge.tone}>{line.badge.label}</s-badge>
          </s-stack>
          <s-text>{line.detail}</s-text>
          {line.problem && <s-text tone="critical">{line.problem}</s-text>}
        </s-stack>
      ))}
    </s-stack>
  );
}
