import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE, FAKE_RECOVERY_KEY } from '../lib/backend/fake';
import nl from '../lib/i18n/nl.json';
import nlAdmin from '../lib/i18n/parts/admin.nl.json';
import App from './App.svelte';
import RecoverWithKey from './RecoverWithKey.svelte';

const r = nlAdmin.recover;
const NEW = 'een nieuwe zin van vijf woorden';

async function type(key: string, passphrase: string, repeat = passphrase) {
  await fireEvent.input(screen.getByLabelText(r.key), { target: { value: key } });
  await fireEvent.input(screen.getByLabelText(r.passphrase), { target: { value: passphrase } });
  await fireEvent.input(screen.getByLabelText(r.repeat), { target: { value: repeat } });
}

describe('Recovery with the recovery key', () => {
  it('asks the core about the new passphrase, and says a wrong key in words', async () => {
    const backend = createFakeBackend();
    const recover = vi.spyOn(backend, 'recoverStore');
    const onRecovered = vi.fn();
    render(RecoverWithKey, { backend, onRecovered, onCancel: vi.fn() });
    const submit = screen.getByRole('button', { name: r.submit }) as HTMLButtonElement;

    await type(FAKE_RECOVERY_KEY, 'kort');
    await waitFor(() => expect(screen.getByText(/zwak/)).toBeTruthy());
    expect(submit.disabled).toBe(true);
    await type(FAKE_RECOVERY_KEY, NEW, 'iets anders');
    expect(screen.getByText(r.mismatch)).toBeTruthy();
    expect(submit.disabled).toBe(true);

    await type('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH', NEW);
    await waitFor(() => expect(submit.disabled).toBe(false));
    await fireEvent.click(submit);
    expect((await screen.findByRole('alert')).textContent).toBe(r.wrongKey);
    expect(onRecovered).not.toHaveBeenCalled();
    expect(await backend.storeStatus()).toBe('locked');

    await fireEvent.input(screen.getByLabelText(r.key), { target: { value: FAKE_RECOVERY_KEY.toLowerCase() } });
    await fireEvent.click(submit);
    await waitFor(() => expect(onRecovered).toHaveBeenCalledOnce());
    expect(recover).toHaveBeenLastCalledWith(FAKE_RECOVERY_KEY.toLowerCase(), NEW);
    // The old passphrase opens nothing any more, the new one does.
    await backend.lock();
    await expect(backend.unlock(FAKE_PASSPHRASE)).rejects.toMatchObject({ kind: 'wrong_passphrase' });
    await backend.unlock(NEW);
  });

  it('is reached from the unlock screen and leads into the app; back returns to unlock', async () => {
    render(App, { backend: createFakeBackend() });
    await fireEvent.click(await screen.findByRole('button', { name: r.forgot }));
    expect(await screen.findByRole('heading', { name: r.title })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: r.back }));
    await fireEvent.click(await screen.findByRole('button', { name: r.forgot }));

    await type(FAKE_RECOVERY_KEY, NEW);
    const submit = screen.getByRole('button', { name: r.submit }) as HTMLButtonElement;
    await waitFor(() => expect(submit.disabled).toBe(false));
    await fireEvent.click(submit);
    expect(await screen.findByRole('heading', { name: nl.today.followUps })).toBeTruthy();
  });
});
