import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE } from '../../lib/backend/fake';
import type { Finding } from '../../lib/bindings/Finding';
import nlCase from '../../lib/i18n/parts/case.nl.json';
import NotesPanel from './NotesPanel.svelte';

const warn = (kind: Finding['kind'], start = 0, end = 1): Finding => ({ kind, severity: 'warn', start, end });
const block = (kind: Finding['kind'], start = 0, end = 1): Finding => ({ kind, severity: 'block', start, end });

async function setup(findings: Finding[]) {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  const detail = await backend.caseDetail('c-1');
  const addNote = vi.spyOn(backend, 'addNote');
  vi.spyOn(backend, 'checkText').mockResolvedValue(findings);
  render(NotesPanel, { backend, detail, onChanged: vi.fn() });
  const box = screen.getByLabelText(nlCase.notes.new);
  const save = screen.getByRole('button', { name: nlCase.notes.save }) as HTMLButtonElement;
  return { addNote, box, save };
}

describe('IdentifierCheck', () => {
  it('shows each warned kind once and saves only with a reason, which it passes on', async () => {
    const { addNote, box, save } = await setup([
      warn('person_name', 0, 6),
      warn('date_of_birth', 10, 20),
      warn('person_name', 30, 36),
      warn('street_address', 40, 55),
    ]);
    await fireEvent.input(box, { target: { value: 'Fatima, °12/03/1985, Kerkstraat 5' } });
    const caution = await screen.findByTestId('identifier-caution');
    const lines = [...caution.querySelectorAll('p')].map((p) => p.textContent);
    expect(lines).toEqual([
      nlCase.identifiers.warn.person_name,
      nlCase.identifiers.warn.date_of_birth,
      nlCase.identifiers.warn.street_address,
      nlCase.identifiers.warnHint,
    ]);
    expect(screen.queryByRole('alert')).toBeNull();
    await waitFor(() => expect(save.disabled).toBe(true));
    await fireEvent.click(save);
    expect(addNote).not.toHaveBeenCalled();

    const keep = screen.getByLabelText(nlCase.identifiers.keep.label) as HTMLSelectElement;
    const offered = [...keep.options].map((o) => o.textContent);
    expect(offered).toEqual([
      nlCase.identifiers.keep.choose,
      ...Object.values(nlCase.identifiers.keep.reason),
    ]);
    await fireEvent.change(keep, { target: { value: 'professional_contact' } });
    await waitFor(() => expect(save.disabled).toBe(false));
    await fireEvent.click(save);
    await waitFor(() =>
      expect(addNote).toHaveBeenCalledWith('c-1', 'Fatima, °12/03/1985, Kerkstraat 5', 'professional_contact'),
    );
  });

  it('still blocks saving when a blocking identifier comes with warnings', async () => {
    const { addNote, box, save } = await setup([warn('person_name', 0, 6), block('phone', 10, 22)]);
    await fireEvent.input(box, { target: { value: 'Fatima tel 0475 12 34 56' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(nlCase.identifiers.kind.phone);
    expect(alert.textContent).not.toContain(nlCase.identifiers.kind.person_name);
    expect((await screen.findByTestId('identifier-caution')).textContent).toContain(
      nlCase.identifiers.warn.person_name,
    );
    expect(save.disabled).toBe(true);
    await fireEvent.click(save);
    expect(addNote).not.toHaveBeenCalled();
  });

  it('clears the warnings when the text is rewritten', async () => {
    const { box, save } = await setup([warn('street_address')]);
    await fireEvent.input(box, { target: { value: 'Woont Kerkstraat 5' } });
    await screen.findByTestId('identifier-caution');
    await fireEvent.input(box, { target: { value: '' } });
    await waitFor(() => expect(screen.queryByTestId('identifier-caution')).toBeNull());
    expect(save.disabled).toBe(true); // empty note, not an identifier
  });

  it('the fake backend, like core, refuses warned text without a reason and keeps it with one', async () => {
    const backend = createFakeBackend();
    await backend.unlock(FAKE_PASSPHRASE);
    expect(await backend.checkText('Zoon °2011, dochter °2014')).toEqual([
      warn('date_of_birth', 5, 10),
      warn('date_of_birth', 20, 25),
    ]);
    await expect(backend.addNote('c-1', 'Zoon °2011, dochter °2014')).rejects.toMatchObject({
      kind: 'identifier_warning',
      field: 'body',
    });
    await expect(backend.addNote('c-1', 'Zoon °2011, dochter °2014', 'not_a_birth_date')).resolves.toBeTruthy();
  });
});
