import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE, FAKE_TODAY, FAKE_VOCABULARIES } from '../lib/backend/fake';
import nl from '../lib/i18n/nl.json';
import nlCase from '../lib/i18n/parts/case.nl.json';
import CaseView from './CaseView.svelte';

async function setup() {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  const session = await backend.session();
  render(CaseView, { backend, caseId: 'c-1', session, vocabularies: FAKE_VOCABULARIES, onBack: vi.fn() });
  await screen.findByRole('heading', { name: /K7M4-QX9K/ });
  return backend;
}

describe('CaseView', () => {
  it('shows the profile, every panel and the timeline', async () => {
    await setup();
    const profile = screen.getByRole('heading', { name: nlCase.caseView.profile }).closest('section') as HTMLElement;
    expect(within(profile).getByText('Jette')).toBeTruthy();
    expect(within(profile).getByText('Wonen')).toBeTruthy();
    for (const title of [nlCase.notes.title, nlCase.signals.title, nlCase.timeline.title]) {
      expect(screen.getByRole('heading', { name: title })).toBeTruthy();
    }
  });

  it('edits the profile and reloads it', async () => {
    const backend = await setup();
    const updateCase = vi.spyOn(backend, 'updateCase');
    await fireEvent.click(screen.getByRole('button', { name: nlCase.caseView.editProfile }));
    const form = screen.getByRole('form', { name: nlCase.caseView.editProfile });
    await fireEvent.change(within(form).getByLabelText(nl.cases.municipality), { target: { value: '21015' } });
    await fireEvent.click(within(form).getByLabelText('Schulden'));
    await fireEvent.click(within(form).getByRole('button', { name: nlCase.caseView.saveProfile }));
    await waitFor(() => expect(updateCase).toHaveBeenCalledTimes(1));
    expect(updateCase.mock.calls[0][0]).toBe('c-1');
    expect(updateCase.mock.calls[0][1]).toMatchObject({ municipality: '21015', life_domains: ['housing', 'income', 'debts'] });
    const profile = screen.getByRole('heading', { name: nlCase.caseView.profile }).closest('section') as HTMLElement;
    expect(await within(profile).findByText('Schaarbeek')).toBeTruthy();
  });

  it('closes the case on today’s date and can reopen it', async () => {
    const backend = await setup();
    const closeCase = vi.spyOn(backend, 'closeCase');
    await fireEvent.click(screen.getByRole('button', { name: nlCase.caseView.close }));
    await waitFor(() => expect(closeCase).toHaveBeenCalledWith('c-1', FAKE_TODAY));
    expect(await screen.findByRole('button', { name: nlCase.caseView.reopen })).toBeTruthy();
  });
});
