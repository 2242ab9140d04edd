import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE } from '../../lib/backend/fake';
import nl from '../../lib/i18n/parts/followUps.nl.json';
import FollowUpsPanel from './FollowUpsPanel.svelte';

async function setup(caseId = 'c-1') {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  const detail = await backend.caseDetail(caseId);
  const [session, partners, vocabularies] = await Promise.all([backend.session(), backend.partners(), backend.vocabularies()]);
  const onChanged = vi.fn();
  const result = render(FollowUpsPanel, { backend, detail, vocabularies, partners, session, onChanged });
  const card = (id: string) => result.container.querySelector(`[data-followup="${id}"]`) as HTMLElement;
  const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  return { backend, detail, onChanged, card, byId, ...result };
}

describe('FollowUpsPanel', () => {
  it('shows due date, purpose, the referral it is about, and whether it is due', async () => {
    const { card } = await setup();
    const f1 = card('f-1');
    expect(f1.textContent).toContain('25/11/2026');
    expect(f1.textContent).toContain('Doorverwijzing nagaan');
    expect(f1.textContent).toContain('CAW Brussel · Wonen');
    expect(within(f1).getByText(nl.followUps.dueToday)).toBeTruthy();
    expect(within(f1).queryByText(nl.followUps.overdue)).toBeNull();
  });

  it('marks an overdue follow-up and counts its reschedules', async () => {
    const { card } = await setup('c-3');
    const f2 = card('f-2');
    expect(f2.classList.contains('overdue')).toBe(true);
    expect(within(f2).getByText(nl.followUps.overdue)).toBeTruthy();
    expect(f2.textContent).toContain('1 keer verplaatst');
  });

  it('adds a follow-up about a referral', async () => {
    const { backend, onChanged, byId } = await setup();
    const add = vi.spyOn(backend, 'addFollowUp');
    await fireEvent.click(byId('followup-add'));
    expect(byId<HTMLButtonElement>('followup-create').disabled).toBe(true);

    await fireEvent.change(byId('followup-purpose'), { target: { value: 'check_referral' } });
    await fireEvent.input(byId('followup-due'), { target: { value: '2/12/2026' } });
    await fireEvent.input(byId('followup-text'), { target: { value: 'nagaan of het gesprek doorging' } });
    await fireEvent.change(byId('followup-link'), { target: { value: 'referral:r-1' } });
    await fireEvent.click(byId('followup-create'));

    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(add).toHaveBeenCalledWith({
      id: null,
      case_id: 'c-1',
      referral_id: 'r-1',
      rights_check_id: null,
      due_on: '2026-12-02',
      purpose: 'check_referral',
      purpose_text: 'nagaan of het gesprek doorging',
      assignee_id: null,
    }, null);
    expect(byId('followup-purpose')).toBeNull();
  });

  it('shows the core’s refusal of a text with an identifier next to the text', async () => {
    const { backend, onChanged, byId } = await setup();
    const add = vi.spyOn(backend, 'addFollowUp');
    await fireEvent.click(byId('followup-add'));
    await fireEvent.change(byId('followup-purpose'), { target: { value: 'rights_recheck' } });
    await fireEvent.input(byId('followup-due'), { target: { value: '02/12/2026' } });
    await fireEvent.input(byId('followup-text'), { target: { value: 'bellen naar jan@example.org' } });
    await fireEvent.click(byId('followup-create'));

    await vi.waitFor(() => expect(add).toHaveBeenCalled());
    expect((await screen.findByText(nl.followUps.textRefused)).id).toBe('followup-text-error');
    expect(byId('followup-text').getAttribute('aria-invalid')).toBe('true');
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('completes a follow-up, today unless another date is given', async () => {
    const { backend, onChanged, card, byId } = await setup();
    const complete = vi.spyOn(backend, 'completeFollowUp');
    await fireEvent.click(card('f-1').querySelector('[data-action="complete"]') as HTMLElement);
    expect(byId<HTMLInputElement>('followup-action-date').value).toBe('25/11/2026');
    await fireEvent.click(card('f-1').querySelector('[data-action="confirm"]') as HTMLElement);

    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(complete).toHaveBeenCalledWith('f-1', '2026-11-25');
  });

  it('reschedules a follow-up to a new due date', async () => {
    const { backend, onChanged, card, byId } = await setup();
    const reschedule = vi.spyOn(backend, 'rescheduleFollowUp');
    await fireEvent.click(card('f-1').querySelector('[data-action="reschedule"]') as HTMLElement);
    const confirm = card('f-1').querySelector('[data-action="confirm"]') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await fireEvent.input(byId('followup-action-date'), { target: { value: '31/11/2026' } });
    expect(confirm.disabled).toBe(true);
    await fireEvent.input(byId('followup-action-date'), { target: { value: '1/12/2026' } });
    await fireEvent.click(confirm);

    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(reschedule).toHaveBeenCalledWith('f-1', '2026-12-01');
  });
});
