import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { BackendError } from '../../lib/backend';
import { locale } from '../../lib/i18n';
import fr from '../../lib/i18n/parts/referrals.fr.json';
import { createFakeBackend, FAKE_PASSPHRASE } from '../../lib/backend/fake';
import type { CaseDetail } from '../../lib/bindings/CaseDetail';
import nl from '../../lib/i18n/parts/referrals.nl.json';
import nlMain from '../../lib/i18n/nl.json';
import ReferralsPanel from './ReferralsPanel.svelte';

async function setup(edit?: (detail: CaseDetail) => void) {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  const detail = await backend.caseDetail('c-1');
  edit?.(detail);
  const [session, partners, vocabularies] = await Promise.all([backend.session(), backend.partners(), backend.vocabularies()]);
  const onChanged = vi.fn();
  const createReferral = vi.spyOn(backend, 'createReferral');
  const recordEvent = vi.spyOn(backend, 'recordEvent');
  const result = render(ReferralsPanel, { backend, detail, vocabularies, partners, session, onChanged });
  const card = (id: string) => result.container.querySelector(`[data-referral="${id}"]`) as HTMLElement;
  const button = (id: string, kind: string) => card(id).querySelector(`[data-event="${kind}"]`) as HTMLButtonElement;
  const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  return { backend, detail, onChanged, createReferral, recordEvent, card, button, byId, ...result };
}

describe('ReferralsPanel', () => {
  it('lists a referral with its receiver, life domain, warmth, state and Belgian dates', async () => {
    const { card } = await setup();
    const r1 = card('r-1');
    expect(r1).toBeTruthy();
    expect(r1.textContent).toContain('CAW Brussel');
    expect(r1.textContent).toContain('Wonen');
    expect(within(r1).getByText(nl.referrals.warm)).toBeTruthy();
    expect(within(r1).getByText(nlMain.referralState.sent, { selector: '.state' })).toBeTruthy();
    expect(r1.textContent).toContain('19/11/2026');
  });

  it('creates a referral to another partner, never to the own one, and reloads', async () => {
    const { createReferral, onChanged, byId } = await setup();
    await fireEvent.click(byId('referral-new'));

    const partner = byId<HTMLSelectElement>('referral-partner');
    const names = [...partner.options].map((o) => o.textContent?.trim());
    expect(names).toContain('DMW CM Brussel');
    expect(names).not.toContain('OCMW Jette');
    expect(byId<HTMLSelectElement>('referral-domain').value).toBe('housing');
    expect(screen.getByText(nl.referrals.consentFirst)).toBeTruthy();

    await fireEvent.change(partner, { target: { value: 'p-dmw-cm' } });
    await fireEvent.click(byId('referral-mode-cold'));
    await fireEvent.click(byId('referral-create'));

    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(createReferral).toHaveBeenCalledWith({
      id: null,
      case_id: 'c-1',
      to_partner_id: 'p-dmw-cm',
      outside_service: null,
      life_domain: 'housing',
      mode: 'cold',
      project: null,
    });
    expect(byId('referral-partner')).toBeNull();
  });

  it('refers to a service outside the network by its name', async () => {
    const { createReferral, onChanged, byId } = await setup();
    await fireEvent.click(byId('referral-new'));
    expect(byId<HTMLButtonElement>('referral-create').disabled).toBe(true);
    await fireEvent.change(byId('referral-partner'), { target: { value: 'outside' } });
    await fireEvent.input(byId('referral-outside'), { target: { value: 'Huurdersbond Brussel' } });
    await fireEvent.change(byId('referral-domain'), { target: { value: 'income' } });
    await fireEvent.click(byId('referral-create'));

    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(createReferral).toHaveBeenCalledWith(
      expect.objectContaining({ to_partner_id: null, outside_service: 'Huurdersbond Brussel', life_domain: 'income', mode: 'warm' }),
    );
  });

  it('records the receiver’s acceptance on its behalf, on the date given', async () => {
    const { recordEvent, onChanged, button, card, byId } = await setup();
    const accept = button('r-1', 'accepted');
    expect(accept.textContent).toContain('namens CAW Brussel');
    await fireEvent.click(accept);

    const date = byId<HTMLInputElement>('referral-event-date');
    expect(date.value).toBe('25/11/2026');
    await fireEvent.input(date, { target: { value: '24/11/2026' } });
    await fireEvent.click(within(card('r-1')).getByRole('button', { name: nl.referrals.confirm }));

    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(recordEvent).toHaveBeenCalledWith({
      id: null,
      referral_id: 'r-1',
      kind: 'accepted',
      occurred_on: '2026-11-24',
      partner_id: 'p-caw-brussel',
      worker_id: null,
      reason: null,
    });
  });

  it('does not confirm a declined referral without a coded reason', async () => {
    const { recordEvent, onChanged, button, byId } = await setup();
    await fireEvent.click(button('r-1', 'declined'));
    const confirm = byId<HTMLButtonElement>('referral-event-confirm');
    expect(confirm.disabled).toBe(true);
    await fireEvent.submit(confirm.form as HTMLFormElement);
    expect(recordEvent).not.toHaveBeenCalled();

    await fireEvent.change(byId('referral-decline-reason'), { target: { value: 'capacity' } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(recordEvent).toHaveBeenCalledWith(expect.objectContaining({ kind: 'declined', reason: 'capacity', partner_id: 'p-caw-brussel' }));
  });

  it('does not confirm an impossible date', async () => {
    const { recordEvent, button, byId } = await setup();
    await fireEvent.click(button('r-1', 'expired'));
    await fireEvent.input(byId('referral-event-date'), { target: { value: '31/02/2026' } });
    expect(byId<HTMLButtonElement>('referral-event-confirm').disabled).toBe(true);
    expect(recordEvent).not.toHaveBeenCalled();
  });

  it('asks for consent first on a new referral, recorded by the own partner', async () => {
    const { backend, recordEvent, onChanged } = await (async () => {
      const b = createFakeBackend();
      await b.unlock(FAKE_PASSPHRASE);
      const id = await b.createReferral({ id: null, case_id: 'c-1', to_partner_id: 'p-dmw-cm', outside_service: null, life_domain: 'income', mode: 'cold', project: null });
      return { backend: b, id, recordEvent: vi.spyOn(b, 'recordEvent'), onChanged: vi.fn() };
    })();
    const detail = await backend.caseDetail('c-1');
    const fresh = detail.referrals.find((r) => r.state === 'draft');
    if (!fresh) throw new Error('no draft referral');
    const { container } = render(ReferralsPanel, {
      backend,
      detail,
      vocabularies: await backend.vocabularies(),
      partners: await backend.partners(),
      session: await backend.session(),
      onChanged,
    });
    const card = container.querySelector(`[data-referral="${fresh.id}"]`) as HTMLElement;
    const buttons = [...card.querySelectorAll('[data-event]')].map((b) => b.getAttribute('data-event'));
    expect(buttons[0]).toBe('consent');
    expect(buttons).not.toContain('sent');
    expect(within(card).getByText(nl.referrals.consentFirst)).toBeTruthy();
    expect(card.querySelector('[data-event="consent"]')?.textContent).not.toContain('namens');

    await fireEvent.click(card.querySelector('[data-event="consent"]') as HTMLElement);
    await fireEvent.click(screen.getByRole('button', { name: nl.referrals.confirm }));
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(recordEvent).toHaveBeenCalledWith(
      expect.objectContaining({ referral_id: fresh.id, kind: 'consent', occurred_on: '2026-11-25', partner_id: 'p-ocmw-jette' }),
    );
  });

  it('shows the warm steps: done ones with their date, possible ones as buttons', async () => {
    const { card, button, recordEvent, byId } = await setup((d) => {
      const r = d.referrals[0];
      r.events.push({ id: 'e-1', referral_id: r.id, kind: 'receiver_contacted', occurred_on: '2026-11-20', recorded_at: 1, partner_id: 'p-ocmw-jette', worker_id: 'w-1', reason: null, received_at: null, flags: [] });
      // The core decides what comes next: here only the appointment.
      r.next = r.next.filter((n) => !['receiver_contacted', 'appointment_made', 'accompanied'].includes(n.kind));
      r.next.push({ kind: 'appointment_made', side: 'sender', partner_id: 'p-ocmw-jette' });
    });
    const done = card('r-1').querySelector('[data-step="receiver_contacted"]') as HTMLElement;
    expect(done.textContent).toContain(nl.referralEvent.receiver_contacted);
    expect(done.textContent).toContain('20/11/2026');
    expect(done.querySelector('button')).toBeNull();
    expect(card('r-1').querySelector('[data-step="accompanied"] button')).toBeNull();

    await fireEvent.click(button('r-1', 'appointment_made'));
    await fireEvent.click(byId('referral-event-confirm'));
    await vi.waitFor(() => expect(recordEvent).toHaveBeenCalledWith(expect.objectContaining({ kind: 'appointment_made', partner_id: 'p-ocmw-jette' })));
  });

  it('shows the core’s refusal with the field named, and keeps the form open', async () => {
    const { recordEvent, onChanged, button, byId } = await setup();
    recordEvent.mockRejectedValueOnce(new BackendError('validation', 'the date lies in the future', 'occurred_on'));
    await fireEvent.click(button('r-1', 'accepted'));
    await fireEvent.click(byId('referral-event-confirm'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(nl.referrals.date);
    expect(byId('referral-event-date')).toBeTruthy();
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('speaks French when the worker does', async () => {
    locale.set('fr');
    const { button, card } = await setup();
    expect(button('r-1', 'accepted').textContent).toContain(fr.referralEvent.accepted);
    expect(button('r-1', 'accepted').textContent).toContain('au nom de CAW Brussel');
    expect(card('r-1').textContent).toContain('Logement');
    expect(screen.getByRole('heading', { name: fr.referrals.title })).toBeTruthy();
  });
});
