import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { locale } from '../../lib/i18n';
import {
  createFakeBackend,
  FAKE_BUNDLE_FILE,
  FAKE_DMW_WORDS,
  FAKE_HANDOVER_NOTE,
  FAKE_PASSPHRASE,
  FAKE_RECEIVED_ID,
} from '../../lib/backend/fake';
import nl from '../../lib/i18n/parts/exchange.nl.json';
import fr from '../../lib/i18n/parts/exchange.fr.json';
import nlMain from '../../lib/i18n/nl.json';
import Exchange from './Exchange.svelte';
import ReferralView from './ReferralView.svelte';

async function unlocked(options = {}) {
  const backend = createFakeBackend(options);
  await backend.unlock(FAKE_PASSPHRASE);
  return backend;
}

const row = (partner: string) => document.querySelector(`tr[data-partner="${partner}"]`) as HTMLElement;

describe('Uitwisseling', () => {
  it('lists the exchange partners with what waits and Belgian dates', async () => {
    const backend = await unlocked();
    render(Exchange, { backend });
    await vi.waitFor(() => expect(row('p-caw-brussel')).toBeTruthy());
    const r = row('p-caw-brussel');
    expect(r.textContent).toContain('CAW Brussel');
    expect(r.textContent).toMatch(/20\/11\/2026 14:05/);
    expect(r.textContent).toMatch(/21\/11\/2026 09:30/);
  });

  it('exports for a partner and says what was sealed; for a partner nothing waits for, says so', async () => {
    const backend = await unlocked();
    await backend.pinPartnerCard(FAKE_DMW_WORDS.join(' '));
    const exportBundle = vi.spyOn(backend, 'exportBundle');
    render(Exchange, { backend });
    const button = (p: string) => document.querySelector(`button[data-export="${p}"]`) as HTMLButtonElement;
    await vi.waitFor(() => expect(button('p-dmw-cm')).toBeTruthy());
    await fireEvent.click(button('p-caw-brussel'));
    const done = await vi.waitFor(() => {
      const d = document.querySelector('[data-exported="p-caw-brussel"]') as HTMLElement;
      expect(d).toBeTruthy();
      return d;
    });
    expect(exportBundle).toHaveBeenCalledWith('p-caw-brussel');
    expect(done.textContent).toContain('schakel-OCMW-Jette-naar-CAW-Brussel-');
    expect(done.textContent).toContain('1 gebeurtenis');
    // Sent without a receipt yet: counted as such.
    await vi.waitFor(() => expect(row('p-caw-brussel').querySelectorAll('td.num')[1].textContent).toBe('1'));
    await vi.waitFor(() => expect(button('p-dmw-cm').disabled).toBe(false));
    await fireEvent.click(button('p-dmw-cm'));
    await vi.waitFor(() =>
      expect(document.querySelector('[data-exported="p-dmw-cm"]')?.textContent).toBe(
        nl.exchange.nothingWaits.replace('{partner}', 'DMW CM Brussel'),
      ),
    );
  });

  it('imports a bundle, says what came in and that the same file again changed nothing', async () => {
    const backend = await unlocked();
    render(Exchange, { backend });
    await fireEvent.click(await screen.findByRole('button', { name: nl.exchange.import }));
    const results = await vi.waitFor(() => {
      const r = document.getElementById('import-results');
      expect(r?.textContent).toContain(FAKE_BUNDLE_FILE);
      return r as HTMLElement;
    });
    expect(results.textContent).toContain('1 nieuwe doorverwijzing');
    expect(results.textContent).toContain('4 nieuwe gebeurtenissen');
    expect(results.textContent).toContain('1 bevestigd door de partner');
    expect(results.textContent).toContain('1 gebeurtenis is gemarkeerd');
    await fireEvent.click(screen.getByRole('button', { name: nl.exchange.import }));
    await vi.waitFor(() => expect(document.getElementById('import-results')?.textContent).toContain(nl.exchange.result.alreadyImported));
  });

  it('a refused bundle: nothing imported, and why in words', async () => {
    const backend = await unlocked({ bundleError: 'wrong_recipient' });
    render(Exchange, { backend });
    await fireEvent.click(await screen.findByRole('button', { name: nl.exchange.import }));
    await vi.waitFor(() =>
      expect(document.getElementById('import-results')?.textContent).toContain(
        nl.exchange.result.refused.replace('{file}', FAKE_BUNDLE_FILE),
      ),
    );
    expect(screen.getByRole('alert').textContent).toContain(nlMain.errors.wrong_recipient);
  });

  it('imports the files dropped onto the window when told (dropTick)', async () => {
    const backend = await unlocked();
    const imported = vi.spyOn(backend, 'importDroppedBundles');
    const view = render(Exchange, { backend, dropTick: 0 });
    backend.dropFiles([FAKE_BUNDLE_FILE, 'foto.png']);
    await view.rerender({ backend, dropTick: 1 });
    await vi.waitFor(() => expect(imported).toHaveBeenCalledTimes(1));
    const results = await vi.waitFor(() => {
      const r = document.getElementById('import-results');
      expect(r?.textContent).toContain('foto.png');
      return r as HTMLElement;
    });
    expect(results.textContent).toContain('1 nieuwe doorverwijzing');
    expect(within(results).getByRole('alert')).toBeTruthy();
  });

  it('shows the hub status line once a hub reports, with "sync now"', async () => {
    const backend = await unlocked();
    render(Exchange, { backend });
    expect(document.getElementById('hub-line')).toBeNull();
    await backend.setHub({ url: 'postgres://ocmw_jette@hub.example.be:5432/schakel_hub', ca_cert_pem: null }, 'geheim wachtwoord 123');
    const line = await vi.waitFor(() => {
      const l = document.getElementById('hub-line');
      expect(l).toBeTruthy();
      return l as HTMLElement;
    });
    expect(line.textContent).toContain(nl.exchange.hub.state.waiting);
    expect(line.textContent).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    const syncNow = vi.spyOn(backend, 'syncHubNow');
    await fireEvent.click(screen.getByRole('button', { name: nl.exchange.hub.syncNow }));
    expect(syncNow).toHaveBeenCalled();
  });

  it('speaks French', async () => {
    locale.set('fr');
    const backend = await unlocked();
    render(Exchange, { backend });
    expect(await screen.findByRole('heading', { level: 1, name: fr.exchange.title })).toBeTruthy();
    expect(await screen.findByRole('button', { name: fr.exchange.import })).toBeTruthy();
  });
});

describe('a received referral', () => {
  async function open() {
    const backend = await unlocked();
    await backend.importBundles();
    const session = await backend.session();
    const vocabularies = await backend.vocabularies();
    const recordEvent = vi.spyOn(backend, 'recordEvent');
    const onBack = vi.fn();
    render(ReferralView, { backend, referralId: FAKE_RECEIVED_ID, session, vocabularies, onBack });
    await screen.findByText(FAKE_HANDOVER_NOTE);
    return { backend, recordEvent, onBack };
  }

  it('shows the sender, its case code, domain, warmth, warm steps and what was shared', async () => {
    await open();
    expect(document.getElementById('received-from')?.textContent).toBe('CAW Brussel');
    expect(document.getElementById('received-code')?.textContent).toBe('W4ZN-7HQC');
    const facts = document.getElementById('received-facts')?.textContent ?? '';
    expect(facts).toContain('Schulden');
    const shared = document.getElementById('shared-details')?.textContent ?? '';
    expect(shared).toContain('25–34 jaar');
    expect(shared).toContain('Eenoudergezin');
    expect(shared).toContain('Brussel');
    expect(shared).toContain(nl.exchange.interpreter.needed);
    expect(document.querySelector('[data-step="receiver_contacted"]')?.classList.contains('done')).toBe(true);
  });

  it('offers only the answers on this side, and records one through record_event', async () => {
    const { recordEvent } = await open();
    const kinds = [...document.querySelectorAll<HTMLElement>('.next [data-event]')].map((b) => b.dataset.event);
    expect(kinds).toEqual(['accepted', 'declined']);
    await fireEvent.click(document.querySelector('[data-event="accepted"]') as HTMLElement);
    await fireEvent.click(document.getElementById('referral-event-confirm') as HTMLButtonElement);
    await vi.waitFor(() => expect(recordEvent).toHaveBeenCalled());
    expect(recordEvent.mock.calls[0][0]).toMatchObject({ referral_id: FAKE_RECEIVED_ID, kind: 'accepted', partner_id: 'p-ocmw-jette' });
    await vi.waitFor(() => expect(document.getElementById('received-recorded')).toBeTruthy());
    await vi.waitFor(() => expect(document.querySelector('[data-event="first_contact"]')).toBeTruthy());
  });

  it('a declined referral needs its reason', async () => {
    const { recordEvent } = await open();
    await fireEvent.click(document.querySelector('[data-event="declined"]') as HTMLElement);
    const confirm = document.getElementById('referral-event-confirm') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await fireEvent.change(document.getElementById('referral-decline-reason') as HTMLSelectElement, { target: { value: 'capacity' } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);
    await vi.waitFor(() => expect(recordEvent.mock.calls[0]?.[0]).toMatchObject({ kind: 'declined', reason: 'capacity' }));
  });
});

describe('Today and received referrals', () => {
  it('lists a received referral until its first contact, and opens it in the referral view', async () => {
    const backend = await unlocked();
    await backend.importBundles();
    const onOpenReferral = vi.fn();
    const { default: Today } = await import('../Today.svelte');
    const vocabularies = await backend.vocabularies();
    const first = render(Today, { backend, vocabularies, onOpenReferral });
    const link = await vi.waitFor(() => {
      const l = document.querySelector(`[data-received="${FAKE_RECEIVED_ID}"]`) as HTMLButtonElement;
      expect(l).toBeTruthy();
      return l;
    });
    expect(link.textContent).toBe('W4ZN-7HQC');
    await fireEvent.click(link);
    expect(onOpenReferral).toHaveBeenCalledWith(FAKE_RECEIVED_ID);
    first.unmount();

    await backend.recordEvent({ id: null, referral_id: FAKE_RECEIVED_ID, kind: 'accepted', occurred_on: '2026-11-25', partner_id: 'p-ocmw-jette', worker_id: null, reason: null });
    const second = render(Today, { backend, vocabularies, onOpenReferral });
    const item = await vi.waitFor(() => {
      const l = document.querySelector(`[data-received="${FAKE_RECEIVED_ID}"]`) as HTMLElement;
      expect(l).toBeTruthy();
      return l.closest('li') as HTMLElement;
    });
    expect(item.textContent).toContain(nlMain.referralState.accepted);
    second.unmount();

    await backend.recordEvent({ id: null, referral_id: FAKE_RECEIVED_ID, kind: 'first_contact', occurred_on: '2026-11-25', partner_id: 'p-ocmw-jette', worker_id: null, reason: null });
    render(Today, { backend, vocabularies, onOpenReferral });
    await vi.waitFor(() => expect(document.getElementById('today-incoming')).toBeTruthy());
    await new Promise((r) => setTimeout(r, 20));
    expect(document.querySelector(`[data-received="${FAKE_RECEIVED_ID}"]`)).toBeNull();
  });
});
