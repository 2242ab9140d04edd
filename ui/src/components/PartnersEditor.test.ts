import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE, FAKE_VOCABULARIES } from '../lib/backend/fake';
import nlCase from '../lib/i18n/parts/case.nl.json';
import nl from '../lib/i18n/nl.json';
import PartnersEditor from './PartnersEditor.svelte';

describe('PartnersEditor', () => {
  it('adds a partner of the network and lists it; a duplicate name is refused', async () => {
    const backend = createFakeBackend();
    await backend.unlock(FAKE_PASSPHRASE);
    const addPartner = vi.spyOn(backend, 'addPartner');
    render(PartnersEditor, { backend, vocabularies: FAKE_VOCABULARIES });
    const list = await screen.findByRole('list');
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(3));

    await fireEvent.input(screen.getByLabelText(nlCase.network.name), { target: { value: 'CAW Brussel – Noord' } });
    await fireEvent.change(screen.getByLabelText(nl.firstRun.partnerKind), { target: { value: 'caw' } });
    await fireEvent.change(screen.getByLabelText(nl.firstRun.municipality), { target: { value: '21015' } });
    await fireEvent.click(screen.getByRole('button', { name: nlCase.network.add }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(4));
    expect(addPartner).toHaveBeenCalledWith({ id: null, kind: 'caw', name: 'CAW Brussel – Noord', municipality: '21015' });
    expect(within(list).getByText(/CAW Brussel – Noord/)).toBeTruthy();

    await fireEvent.input(screen.getByLabelText(nlCase.network.name), { target: { value: 'caw brussel' } });
    await fireEvent.click(screen.getByRole('button', { name: nlCase.network.add }));
    expect((await screen.findByRole('alert')).textContent).toContain(nl.errors.conflict);
  });
});
