import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE } from '../../lib/backend/fake';
import nl from '../../lib/i18n/parts/rights.nl.json';
import RightsPanel from './RightsPanel.svelte';

async function setup(rights: string[] = []) {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  for (const right of rights) await backend.addRightsCheck({ id: null, case_id: 'c-1', right, step: null, on: '2026-11-20' });
  const detail = await backend.caseDetail('c-1');
  const [session, partners, vocabularies] = await Promise.all([backend.session(), backend.partners(), backend.vocabularies()]);
  const onChanged = vi.fn();
  const result = render(RightsPanel, { backend, detail, vocabularies, partners, session, onChanged });
  const card = (right: string) => {
    const id = detail.rights.find((r) => r.right === right)?.id;
    return result.container.querySelector(`[data-right="${id}"]`) as HTMLElement;
  };
  return { backend, detail, onChanged, card, ...result };
}

const input = () => document.getElementById('rights-add-input') as HTMLInputElement;
const options = () => screen.queryAllByRole('option').map((o) => o.textContent ?? '');

describe('RightsPanel', () => {
  it('finds a right by its French name, shows its level, and adds it', async () => {
    const { backend, onChanged } = await setup();
    const add = vi.spyOn(backend, 'addRightsCheck');
    expect(screen.getByText(nl.rights.empty)).toBeTruthy();

    await fireEvent.input(input(), { target: { value: 'intervention majoree' } });
    expect(options()).toHaveLength(1);
    expect(options()[0]).toContain('Verhoogde tegemoetkoming');
    expect(options()[0]).toContain(nl.rightLevel.federal);
    expect((document.getElementById('rights-add') as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.keyDown(input(), { key: 'Enter' });
    expect(input().value).toBe('Verhoogde tegemoetkoming');
    await fireEvent.click(document.getElementById('rights-add') as HTMLElement);

    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(add).toHaveBeenCalledWith({ id: null, case_id: 'c-1', right: 'increased_reimbursement', step: null, on: null });
  });

  it('matches Dutch and French names whatever the case or accents', async () => {
    await setup();
    await fireEvent.input(input(), { target: { value: 'GROEIPAKKET' } });
    expect(options().join('|')).toContain('Groeipakket: schooltoeslag');
    await fireEvent.input(input(), { target: { value: 'allocations' } });
    expect(options()).toHaveLength(1);
    expect(options()[0]).toContain('Sociale toeslag kinderbijslag (Brussel)');
    expect(options()[0]).toContain(nl.rightLevel.brussels);
    await fireEvent.input(input(), { target: { value: 'verhoogde' } });
    expect(options().map((o) => o.includes('Verhoogde tegemoetkoming'))).toEqual([true]);
    await fireEvent.input(input(), { target: { value: 'allocation' } });
    expect(options().join('|')).toContain('Studietoelage');
    expect(options().join('|')).toContain('Brusselse huurtoelage');
    await fireEvent.input(input(), { target: { value: 'medicale' } });
    expect(options().map((o) => o.includes('Dringende medische hulp'))).toEqual([true]);
  });

  it('does not offer a right that is already on the list', async () => {
    await setup(['leefloon']);
    await fireEvent.input(input(), { target: { value: 'leefloon' } });
    expect(options().some((o) => o.includes('Leefloon'))).toBe(false);
  });

  it('moves a right to a new step on a date', async () => {
    const { backend, card, onChanged } = await setup(['leefloon']);
    const setStep = vi.spyOn(backend, 'setRightStep');
    const leefloon = card('leefloon');
    expect(leefloon.textContent).toContain(nl.rightStep.not_checked);
    expect(leefloon.textContent).toContain('20/11/2026');

    const step = leefloon.querySelector('select[name=step]') as HTMLSelectElement;
    expect([...step.options].map((o) => o.value)).toHaveLength(7);
    await fireEvent.change(step, { target: { value: 'applied' } });
    const date = leefloon.querySelector('input[name=on]') as HTMLInputElement;
    expect(date.value).toBe('25/11/2026');
    await fireEvent.input(date, { target: { value: '24/11/2026' } });
    await fireEvent.click(within(leefloon).getByRole('button', { name: nl.rights.saveStep }));

    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    const id = (await backend.caseDetail('c-1')).rights[0].id;
    expect(setStep).toHaveBeenCalledWith(id, 'applied', '2026-11-24');
  });

  it('records why a right is not taken up, and the barrier', async () => {
    const { backend, card, onChanged } = await setup(['study_grant']);
    const nonTakeUp = vi.spyOn(backend, 'setNonTakeUp');
    const grant = card('study_grant');
    await fireEvent.change(grant.querySelector('select[name=non_take_up_reason]') as HTMLSelectElement, { target: { value: 'not_requested' } });
    await fireEvent.change(grant.querySelector('select[name=barrier_type]') as HTMLSelectElement, { target: { value: 'digital' } });
    await fireEvent.click(grant.querySelector('[data-action="save-non-take-up"]') as HTMLElement);

    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    const id = (await backend.caseDetail('c-1')).rights[0].id;
    expect(nonTakeUp).toHaveBeenCalledWith(id, 'not_requested', 'digital');
  });

  it('opens the non-take-up fields when the step makes the question likely', async () => {
    const { card } = await setup(['leefloon']);
    const details = card('leefloon').querySelector('details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    await fireEvent.change(card('leefloon').querySelector('select[name=step]') as HTMLSelectElement, { target: { value: 'possibly_entitled' } });
    expect(details.open).toBe(true);
  });

  it('keeps an unsaved step when another panel reloads the case', async () => {
    const { backend, card, rerender } = await setup(['increased_reimbursement']);
    const step = () => card('increased_reimbursement').querySelector('select[name="step"]') as HTMLSelectElement;
    await fireEvent.change(step(), { target: { value: 'applied' } });
    expect(step().value).toBe('applied');
    // A note saved elsewhere: the parent passes a fresh detail with the same rights.
    await backend.addNote('c-1', 'Iets anders');
    await rerender({ detail: await backend.caseDetail('c-1') });
    expect(step().value).toBe('applied');
  });
});
