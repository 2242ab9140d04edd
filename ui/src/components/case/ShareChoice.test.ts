import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE } from '../../lib/backend/fake';
import nl from '../../lib/i18n/parts/exchange.nl.json';
import nlCase from '../../lib/i18n/parts/case.nl.json';
import ReferralsPanel from './ReferralsPanel.svelte';

/** Case c-1 with a draft referral to CAW Brussel (an exchange partner) and one to the DMW (not). */
async function setup() {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  const toCaw = await backend.createReferral({ id: null, case_id: 'c-1', to_partner_id: 'p-caw-brussel', outside_service: null, life_domain: 'income', mode: 'warm', project: null });
  const toDmw = await backend.createReferral({ id: null, case_id: 'c-1', to_partner_id: 'p-dmw-cm', outside_service: null, life_domain: 'income', mode: 'cold', project: null });
  const detail = await backend.caseDetail('c-1');
  const [session, partners, vocabularies] = await Promise.all([backend.session(), backend.partners(), backend.vocabularies()]);
  const share = vi.spyOn(backend, 'shareWithReferral');
  render(ReferralsPanel, { backend, detail, vocabularies, partners, session, onChanged: vi.fn() });
  const box = (id: string) => document.querySelector(`[data-share="${id}"]`) as HTMLElement | null;
  await vi.waitFor(() => expect(box(toCaw)).toBeTruthy());
  return { backend, share, box, toCaw, toDmw };
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

describe('what goes with a referral to an exchange partner', () => {
  it('is offered on a draft to a partner with a pinned key only; nothing goes by default', async () => {
    const { box, toCaw, toDmw } = await setup();
    expect(box(toDmw)).toBeNull();
    expect(box('r-1')).toBeNull(); // already sent
    expect(within(box(toCaw)!).getByText(nl.exchange.shared.none)).toBeTruthy();
    await fireEvent.click(within(box(toCaw)!).getByRole('button', { name: nl.exchange.share.open }));
    const boxes = [...box(toCaw)!.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes).toHaveLength(5);
    expect(boxes.every((b) => !b.checked)).toBe(true);
    // The case's values are shown; what the case lacks cannot be ticked.
    expect(box(toCaw)!.textContent).toContain('35–44 jaar');
    expect(byId<HTMLInputElement>('share-contact_language').disabled).toBe(true);
  });

  it('saves only what was ticked, with the note', async () => {
    const { share, box, toCaw } = await setup();
    await fireEvent.click(within(box(toCaw)!).getByRole('button', { name: nl.exchange.share.open }));
    await fireEvent.click(byId('share-age_band'));
    await fireEvent.click(byId('share-municipality'));
    await fireEvent.input(byId('share-note'), { target: { value: 'Komt liefst in de voormiddag.' } });
    await vi.waitFor(() => expect(byId<HTMLButtonElement>('share-save').disabled).toBe(false));
    await fireEvent.click(byId('share-save'));
    await vi.waitFor(() => expect(share).toHaveBeenCalled());
    expect(share).toHaveBeenCalledWith(
      toCaw,
      { age_band: '35_44', household_type: null, municipality: '21010', contact_language: null, interpreter: null, handover_note: 'Komt liefst in de voormiddag.' },
      null,
    );
    await screen.findByText(nl.exchange.share.saved);
    expect(box(toCaw)!.textContent).toContain('Komt liefst in de voormiddag.');
  });

  it('a note with an identifier cannot be saved; a warned one needs a reason', async () => {
    const { share, box, toCaw } = await setup();
    await fireEvent.click(within(box(toCaw)!).getByRole('button', { name: nl.exchange.share.open }));
    await fireEvent.input(byId('share-note'), { target: { value: 'Mail naar jan@voorbeeld.be' } });
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toContain(nlCase.identifiers.kind.email));
    expect(byId<HTMLButtonElement>('share-save').disabled).toBe(true);
    await fireEvent.input(byId('share-note'), { target: { value: 'Geboren °12/03/85' } });
    const keep = await vi.waitFor(() => {
      const s = byId<HTMLSelectElement>('share-note-check-keep');
      expect(s).toBeTruthy();
      return s;
    });
    expect(byId<HTMLButtonElement>('share-save').disabled).toBe(true);
    await fireEvent.change(keep, { target: { value: 'not_a_birth_date' } });
    await vi.waitFor(() => expect(byId<HTMLButtonElement>('share-save').disabled).toBe(false));
    await fireEvent.click(byId('share-save'));
    await vi.waitFor(() => expect(share).toHaveBeenCalled());
    expect(share.mock.calls[0][2]).toBe('not_a_birth_date');
  });
});
