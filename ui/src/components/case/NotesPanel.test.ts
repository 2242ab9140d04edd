import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE } from '../../lib/backend/fake';
import nlCase from '../../lib/i18n/parts/case.nl.json';
import NotesPanel from './NotesPanel.svelte';

async function setup() {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  const detail = await backend.caseDetail('c-1');
  const onChanged = vi.fn();
  const addNote = vi.spyOn(backend, 'addNote');
  const checkText = vi.spyOn(backend, 'checkText');
  render(NotesPanel, { backend, detail, onChanged });
  return { addNote, checkText, onChanged };
}

describe('NotesPanel', () => {
  it('shows an identifier inline while typing and will not save it', async () => {
    const { addNote, checkText } = await setup();
    const box = screen.getByLabelText(nlCase.notes.new);
    const save = screen.getByRole('button', { name: nlCase.notes.save }) as HTMLButtonElement;
    await fireEvent.input(box, { target: { value: 'Mailt naar jan.peeters@example.be voor afspraak' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(nlCase.identifiers.kind.email);
    expect(checkText).toHaveBeenLastCalledWith('Mailt naar jan.peeters@example.be voor afspraak');
    expect(save.disabled).toBe(true);
    await fireEvent.click(save);
    expect(addNote).not.toHaveBeenCalled();

    await fireEvent.input(box, { target: { value: 'Belt zelf terug na het gesprek met de huisbaas' } });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(save.disabled).toBe(false);
  });

  it('saves a clean note and asks the parent to reload', async () => {
    const { addNote, onChanged } = await setup();
    const box = screen.getByLabelText(nlCase.notes.new);
    await fireEvent.input(box, { target: { value: 'Huurachterstand besproken' } });
    await waitFor(() => expect((screen.getByRole('button', { name: nlCase.notes.save }) as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(addNote).toHaveBeenCalledWith('c-1', 'Huurachterstand besproken', null));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect((box as HTMLTextAreaElement).value).toBe('');
  });
});
