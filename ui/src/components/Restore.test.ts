import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { BackendError } from '../lib/backend';
import { createFakeBackend, FAKE_PASSPHRASE, FAKE_VOCABULARIES } from '../lib/backend/fake';
import { formatDateTime } from '../lib/dates';
import nl from '../lib/i18n/nl.json';
import nlCase from '../lib/i18n/parts/case.nl.json';
import nlAdmin from '../lib/i18n/parts/admin.nl.json';
import App from './App.svelte';
import Settings from './Settings.svelte';

const m = nlAdmin.restore;

async function unlocked() {
  const backend = createFakeBackend({ lastBackupAt: Date.parse('2026-11-20T09:05:00') });
  await backend.unlock(FAKE_PASSPHRASE);
  return backend;
}

function renderSettings(backend: Awaited<ReturnType<typeof unlocked>>, onRestored = vi.fn()) {
  render(Settings, {
    backend,
    settings: { auto_lock_minutes: 10 },
    vocabularies: FAKE_VOCABULARIES,
    onSaved: () => {},
    onClose: () => {},
    onRestored,
    // Backups are offered to those who may do maintenance (administrators).
    permissions: ['manage_users', 'manage_settings', 'audit', 'maintenance'],
  });
  document.querySelector('dialog')?.setAttribute('open', '');
  return onRestored;
}

describe('Settings: restore from a backup', () => {
  it('warns, asks the passphrase of then, and restores only after the confirmation', async () => {
    const backend = await unlocked();
    const restore = vi.spyOn(backend, 'restoreBackup');
    const onRestored = renderSettings(backend);
    await fireEvent.click(await screen.findByRole('button', { name: m.start }));
    expect(screen.getByText(m.warning)).toBeTruthy();
    expect(screen.getByText(m.after)).toBeTruthy();
    const confirm = screen.getByRole('button', { name: m.confirm }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    expect(restore).not.toHaveBeenCalled();

    // Cancel closes the warning and restores nothing.
    await fireEvent.click(screen.getByRole('button', { name: m.cancel }));
    expect(screen.queryByText(m.warning)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: m.start }));

    await fireEvent.input(screen.getByLabelText(m.passphrase), { target: { value: FAKE_PASSPHRASE } });
    await fireEvent.click(screen.getByRole('button', { name: m.confirm }));
    await waitFor(() => expect(onRestored).toHaveBeenCalledOnce());
    expect(restore).toHaveBeenCalledWith(FAKE_PASSPHRASE);
    expect(onRestored.mock.calls[0][0]).toMatchObject({ createdAt: Date.parse('2026-11-20T09:05:00') });
    expect(await backend.storeStatus()).toBe('locked');
  });

  it('a refused backup is shown by kind and the session stays open', async () => {
    const backend = await unlocked();
    const onRestored = renderSettings(backend);
    await fireEvent.click(await screen.findByRole('button', { name: m.start }));
    await fireEvent.input(screen.getByLabelText(m.passphrase), { target: { value: 'een verkeerde wachtzin' } });
    await fireEvent.click(screen.getByRole('button', { name: m.confirm }));
    expect((await screen.findByRole('alert')).textContent).toContain(nl.errors.wrong_passphrase);
    expect(onRestored).not.toHaveBeenCalled();
    expect(await backend.storeStatus()).toBe('unlocked');
    expect((screen.getByLabelText(m.passphrase) as HTMLInputElement).value).toBe('');
  });

  it('a cancelled dialog changes nothing; a restore that failed after the session ended leads to unlock', async () => {
    const backend = await unlocked();
    vi.spyOn(backend, 'restoreBackup').mockResolvedValueOnce(null);
    const onRestored = renderSettings(backend);
    await fireEvent.click(await screen.findByRole('button', { name: m.start }));
    await fireEvent.input(screen.getByLabelText(m.passphrase), { target: { value: FAKE_PASSPHRASE } });
    await fireEvent.click(screen.getByRole('button', { name: m.confirm }));
    await waitFor(() => expect((screen.getByLabelText(m.passphrase) as HTMLInputElement).value).toBe(''));
    expect(onRestored).not.toHaveBeenCalled();
    expect(screen.getByText(m.warning)).toBeTruthy();

    vi.spyOn(backend, 'restoreBackup').mockImplementationOnce(async () => {
      await backend.lock();
      throw new BackendError('store_corrupt', 'the restored store did not open; the previous store was put back');
    });
    await fireEvent.input(screen.getByLabelText(m.passphrase), { target: { value: FAKE_PASSPHRASE } });
    await fireEvent.click(screen.getByRole('button', { name: m.confirm }));
    await waitFor(() => expect(onRestored).toHaveBeenCalledWith(null));
  });

  it('in the app: after the restore the unlock screen says which backup came back', async () => {
    const at = Date.parse('2026-11-20T09:05:00');
    render(App, { backend: createFakeBackend({ lastBackupAt: at }) });
    await fireEvent.input(await screen.findByLabelText(nl.unlock.passphrase), { target: { value: FAKE_PASSPHRASE } });
    await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));
    await fireEvent.click(await screen.findByRole('button', { name: nlCase.session.settings }));
    document.querySelector('dialog')?.setAttribute('open', '');
    await fireEvent.click(await screen.findByRole('button', { name: m.start }));
    await fireEvent.input(screen.getByLabelText(m.passphrase), { target: { value: FAKE_PASSPHRASE } });
    await fireEvent.click(screen.getByRole('button', { name: m.confirm }));
    expect(await screen.findByRole('heading', { name: nl.unlock.title })).toBeTruthy();
    const notice = document.getElementById('restored-notice')?.textContent ?? '';
    expect(notice).toContain(formatDateTime(at));
    expect(notice).toContain('20/11/2026 09:05');
    expect(notice).toContain('schakel-backup-2026-11-20-0905.schakelbackup');
  });
});
