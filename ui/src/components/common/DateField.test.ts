import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import nl from '../../lib/i18n/parts/referrals.nl.json';
import DateFieldHarness from './DateFieldHarness.test.svelte';

function setup(initial: string | null = null, required = false) {
  const state = { value: initial, valid: true };
  render(DateFieldHarness, { initial, required, onChange: (value: string | null, valid: boolean) => Object.assign(state, { value, valid }) });
  const input = screen.getByLabelText('Vervaldatum') as HTMLInputElement;
  return { state, input };
}

describe('DateField', () => {
  it('shows an ISO value as dd/mm/yyyy', () => {
    const { input } = setup('2026-11-25');
    expect(input.value).toBe('25/11/2026');
    expect(input.getAttribute('placeholder')).toBe(nl.dateField.placeholder);
  });

  it('accepts 5/1/2026 as 2026-01-05 and tidies it on leaving the field', async () => {
    const { state, input } = setup();
    await fireEvent.input(input, { target: { value: '5/1/2026' } });
    expect(state).toEqual({ value: '2026-01-05', valid: true });
    await fireEvent.blur(input);
    expect(input.value).toBe('05/01/2026');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('rejects 31/02/2026 with a translated message', async () => {
    const { state, input } = setup('2026-02-01');
    await fireEvent.input(input, { target: { value: '31/02/2026' } });
    expect(state).toEqual({ value: null, valid: false });
    expect(screen.getByRole('alert').textContent).toContain(nl.dateField.invalid);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toContain(screen.getByRole('alert').id);
  });

  it('waits until the field is left before judging half a date', async () => {
    const { state, input } = setup();
    await fireEvent.input(input, { target: { value: '12/1' } });
    expect(state.valid).toBe(false);
    expect(screen.queryByRole('alert')).toBeNull();
    await fireEvent.blur(input);
    expect(screen.getByRole('alert').textContent).toContain(nl.dateField.invalid);
  });

  it('empty is fine unless required', async () => {
    const optional = setup('2026-11-25');
    await fireEvent.input(optional.input, { target: { value: '' } });
    expect(optional.state).toEqual({ value: null, valid: true });
  });

  it('a required empty field is invalid and says so once left', async () => {
    const { state, input } = setup(null, true);
    flushSync();
    expect(state.valid).toBe(false);
    await fireEvent.blur(input);
    expect(screen.getByRole('alert').textContent).toContain(nl.dateField.required);
  });
});
