import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { createFakeBackend, FAKE_VOCABULARIES } from '../lib/backend/fake';
import nl from '../lib/i18n/nl.json';
import Cases, { resetCaseFilters } from './Cases.svelte';

function setup() {
  const backend = createFakeBackend({ status: 'unlocked' });
  const listCases = vi.spyOn(backend, 'listCases');
  const onOpen = vi.fn();
  render(Cases, { backend, vocabularies: FAKE_VOCABULARIES, onOpen });
  return { backend, listCases, onOpen };
}

beforeEach(resetCaseFilters);

const codes = () => within(screen.getByRole('listbox')).getAllByRole('option').map((o) => o.querySelector('.code')?.textContent);

describe('Cases', () => {
  it('renders the rows from the backend with translated names and Belgian dates', async () => {
    setup();
    const options = within(await screen.findByRole('listbox')).getAllByRole('option');
    expect(options).toHaveLength(5);
    const first = options[0];
    expect(first.textContent).toContain('K7M4-QX9K');
    expect(first.textContent).toContain('24/11/2026');
    expect(first.textContent).toContain('Jette');
    expect(first.textContent).toContain('Wonen, Inkomen');
    expect(first.getAttribute('aria-selected')).toBe('true');
  });

  it('filters by the typed code', async () => {
    const { listCases } = setup();
    await screen.findByRole('listbox');
    await fireEvent.input(screen.getByLabelText(nl.cases.search), { target: { value: 'k7' } });

    await vi.waitFor(() => expect(codes()).toEqual(['K7M4-QX9K', 'K7P2-AB3D']));
    expect(listCases).toHaveBeenLastCalledWith(expect.objectContaining({ search: 'k7' }));

    await fireEvent.input(screen.getByLabelText(nl.cases.search), { target: { value: 'ZZZZ' } });
    expect(await screen.findByText(nl.cases.empty)).toBeTruthy();
  });

  it('filters by status', async () => {
    setup();
    await screen.findByRole('listbox');
    await fireEvent.change(screen.getByLabelText(nl.cases.status), { target: { value: 'closed' } });
    await vi.waitFor(() => expect(codes()).toEqual(['B9XL-4NQF']));
  });

  it('filters by life domain and municipality, and keeps the filters when coming back', async () => {
    const { listCases } = setup();
    await screen.findByRole('listbox');
    await fireEvent.change(screen.getByLabelText(nl.cases.domain), { target: { value: 'housing' } });
    await vi.waitFor(() => expect(codes()).toEqual(['K7M4-QX9K', 'H2VC-7PKM']));
    await fireEvent.change(screen.getByLabelText(nl.cases.municipality), { target: { value: '21012' } });
    await vi.waitFor(() => expect(codes()).toEqual(['H2VC-7PKM']));
    expect(listCases).toHaveBeenLastCalledWith(
      expect.objectContaining({ life_domain: 'housing', municipality: '21012', offset: 0, limit: 50 }),
    );
    document.body.innerHTML = '';
    render(Cases, { backend: createFakeBackend({ status: 'unlocked' }), vocabularies: FAKE_VOCABULARIES });
    await vi.waitFor(() => expect(codes()).toEqual(['H2VC-7PKM']));
  });

  it('moves with the arrow keys and opens a case with Enter', async () => {
    const { onOpen } = setup();
    await screen.findByRole('listbox');
    const list = screen.getByRole('listbox');

    await fireEvent.keyDown(list, { key: 'ArrowDown' });
    await fireEvent.keyDown(list, { key: 'ArrowDown' });
    await fireEvent.keyDown(list, { key: 'ArrowUp' });
    const selected = within(list).getAllByRole('option').find((o) => o.getAttribute('aria-selected') === 'true');
    expect(selected?.textContent).toContain('K7P2-AB3D');
    expect(list.getAttribute('aria-activedescendant')).toBe(selected?.id);

    await fireEvent.keyDown(list, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith('c-2');
  });
});
