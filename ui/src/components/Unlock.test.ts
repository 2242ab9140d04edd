import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE } from '../lib/backend/fake';
import nl from '../lib/i18n/nl.json';
import Unlock from './Unlock.svelte';

describe('Unlock', () => {
  it('shows the translated message for a wrong passphrase', async () => {
    const backend = createFakeBackend();
    const unlock = vi.spyOn(backend, 'unlock');
    const onUnlocked = vi.fn();
    render(Unlock, { backend, onUnlocked });

    const input = screen.getByLabelText(nl.unlock.passphrase);
    await fireEvent.input(input, { target: { value: 'verkeerde wachtzin' } });
    await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(nl.errors.wrong_passphrase);
    expect(unlock).toHaveBeenCalledWith('verkeerde wachtzin');
    expect(onUnlocked).not.toHaveBeenCalled();
    expect((input as HTMLInputElement).value).toBe('');
  });

  it('calls onUnlocked with the right passphrase', async () => {
    const backend = createFakeBackend();
    const onUnlocked = vi.fn();
    render(Unlock, { backend, onUnlocked });

    await fireEvent.input(screen.getByLabelText(nl.unlock.passphrase), { target: { value: FAKE_PASSPHRASE } });
    await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));

    await vi.waitFor(() => expect(onUnlocked).toHaveBeenCalledOnce());
    expect(await backend.storeStatus()).toBe('unlocked');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says how long to wait after too many wrong attempts', async () => {
    const backend = createFakeBackend();
    vi.spyOn(backend, 'unlock').mockRejectedValue({
      kind: 'unlock_delayed',
      message: 'too many wrong attempts: wait 20 s before trying again',
      problems: [],
      wait_seconds: 20,
    });
    render(Unlock, { backend, onUnlocked: vi.fn() });
    await fireEvent.input(screen.getByLabelText(nl.unlock.passphrase), { target: { value: 'nog eens fout' } });
    await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(nl.errors.unlock_delayed.replace('{seconds}', '20'));
  });
});
