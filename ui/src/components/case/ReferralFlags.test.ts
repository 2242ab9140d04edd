import { describe, expect, it, vi } from 'vitest';
import { render } from '@testing-library/svelte';
import { locale } from '../../lib/i18n';
import { createFakeBackend, FAKE_PASSPHRASE } from '../../lib/backend/fake';
import nl from '../../lib/i18n/parts/exchange.nl.json';
import en from '../../lib/i18n/parts/exchange.en.json';
import ReferralsPanel from './ReferralsPanel.svelte';

async function afterImport() {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  await backend.importBundles(); // CAW Brussel accepted r-1, by a clock ahead of ours
  const detail = await backend.caseDetail('c-1');
  const [session, partners, vocabularies] = await Promise.all([backend.session(), backend.partners(), backend.vocabularies()]);
  render(ReferralsPanel, { backend, detail, vocabularies, partners, session, onChanged: vi.fn() });
  return document.querySelector('[data-referral="r-1"]') as HTMLElement;
}

describe('flags and received events in a referral history', () => {
  it('shows the flag with its explanation, opened by itself, and that the event came from the partner', async () => {
    const card = await afterImport();
    const history = card.querySelector('details.history') as HTMLDetailsElement;
    expect(history.open).toBe(true);
    const accepted = card.querySelector('[data-history-event="accepted"]') as HTMLElement;
    expect(accepted.querySelector('[data-flag="clock_ahead"]')?.textContent).toBe(nl.exchange.flag.clock_ahead);
    expect(accepted.textContent).toContain(nl.exchange.flagExplain.clock_ahead);
    expect(accepted.textContent).toContain(nl.exchange.receivedFrom.replace('{partner}', 'CAW Brussel'));
    expect(accepted.querySelector('.received')?.getAttribute('title')).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  });

  it('explains it in English too', async () => {
    locale.set('en');
    const card = await afterImport();
    expect(card.textContent).toContain(en.exchange.flagExplain.clock_ahead);
  });

  it('an event without flags has no badge', async () => {
    const backend = createFakeBackend();
    await backend.unlock(FAKE_PASSPHRASE);
    const detail = await backend.caseDetail('c-1');
    const [session, partners, vocabularies] = await Promise.all([backend.session(), backend.partners(), backend.vocabularies()]);
    render(ReferralsPanel, { backend, detail, vocabularies, partners, session, onChanged: vi.fn() });
    expect(document.querySelector('[data-flag]')).toBeNull();
  });
});
