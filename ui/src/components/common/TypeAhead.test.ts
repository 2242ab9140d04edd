import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { FAKE_VOCABULARIES } from '../../lib/backend/fake';
import TypeAhead, { fold, matchItems, type TypeAheadItem } from './TypeAhead.svelte';

// The rights of the fake, labelled in Dutch and findable by every name.
const items: TypeAheadItem[] = FAKE_VOCABULARIES.right_kind.map((t) => ({
  value: t.code,
  label: t.name_nl,
  hint: t.level ?? undefined,
  keywords: [t.name_fr, t.name_en],
}));

function setup() {
  const onSelect = vi.fn();
  render(TypeAhead, { id: 'ta', label: 'Recht zoeken', items, onSelect, placeholder: 'bv. leefloon' });
  const input = screen.getByRole('combobox', { name: 'Recht zoeken' }) as HTMLInputElement;
  return { onSelect, input };
}

const labels = () => screen.queryAllByRole('option').map((o) => o.querySelector('.label')?.textContent);

describe('fold and matchItems', () => {
  it('drops accents and case', () => {
    expect(fold("Allocation d'Études")).toBe("allocation d'etudes");
    expect(fold('Taalbarrière')).toBe('taalbarriere');
  });

  it('finds an item by a keyword in another language, label matches first', () => {
    expect(matchItems(items, 'revenu integration').map((i) => i.value)).toEqual(['leefloon']);
    expect(matchItems(items, 'etudes').map((i) => i.value)).toEqual(['study_grant']);
    const found = matchItems(items, 'toe').map((i) => i.value);
    expect(found.indexOf('study_grant')).toBeLessThan(found.indexOf('family_allowance_brussels_social'));
  });
});

describe('TypeAhead', () => {
  it('is a combobox wired to its listbox', async () => {
    const { input } = setup();
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.getAttribute('placeholder')).toBe('bv. leefloon');
    await fireEvent.input(input, { target: { value: 'aide' } });
    expect(input.getAttribute('aria-expanded')).toBe('true');
    const listbox = document.getElementById(input.getAttribute('aria-controls') ?? '');
    expect(listbox?.getAttribute('role')).toBe('listbox');
    expect(input.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[0].id);
  });

  it('finds a right by its French name and picks it with the keyboard', async () => {
    const { input, onSelect } = setup();
    await fireEvent.input(input, { target: { value: 'Allocation' } });
    expect(labels()).toEqual(expect.arrayContaining(['Studietoelage', 'Brusselse huurtoelage']));

    const second = labels()[1];
    await fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(screen.getAllByRole('option')[1].getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ label: second }));
    expect(input.value).toBe(second);
    expect(input.getAttribute('aria-expanded')).toBe('false');
  });

  it('finds a right by an accent-less, upper-case query', async () => {
    const { input, onSelect } = setup();
    await fireEvent.input(input, { target: { value: 'AIDE MEDICALE' } });
    expect(labels()).toEqual(['Dringende medische hulp']);
    await fireEvent.click(screen.getByRole('option'));
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ value: 'urgent_medical_aid' }));
  });

  it('wraps with ArrowUp, closes with Escape, says when nothing matches', async () => {
    const { input, onSelect } = setup();
    await fireEvent.input(input, { target: { value: 'a' } });
    const count = screen.getAllByRole('option').length;
    await fireEvent.keyDown(input, { key: 'ArrowUp' });
    expect(screen.getAllByRole('option')[count - 1].getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryAllByRole('option')).toHaveLength(0);
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSelect).not.toHaveBeenCalled();

    await fireEvent.input(input, { target: { value: 'xyzzy' } });
    expect(screen.getByRole('status').textContent).toBe('Geen resultaten.');
  });
});
