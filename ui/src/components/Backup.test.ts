import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { BackendError } from '../lib/backend';
import { createFakeBackend, FAKE_PASSPHRASE, FAKE_VOCABULARIES } from '../lib/backend/fake';
import { formatDateTime } from '../lib/dates';
import nl from '../lib/i18n/nl.json';
import nlBackup from '../lib/i18n/parts/backup.nl.json';
import Settings from './Settings.svelte';
import Today from './Today.svelte';

const m = nlBackup.backup;
const DAY = 24 * 60 * 60 * 1000;

async function unlocked(lastBackupAt: number | null) {
  const backend = createFakeBackend({ lastBackupAt });
  await backend.unlock(FAKE_PASSPHRASE);
  return backend;
}

function renderSettings(backend: Awaited<ReturnType<typeof unlocked>>) {
  render(Settings, {
    backend,
    settings: { auto_lock_minutes: 10 },
    vocabularies: FAKE_VOCABULARIES,
    onSaved: () => {},
    onClose: () => {},
    // Backups are offered to those who may do maintenance (administrators).
    permissions: ['manage_users', 'manage_settings', 'audit', 'maintenance'],
  });
  // jsdom has no showModal: open the dialog so its content is in the accessibility tree.
  document.querySelector('dialog')?.setAttribute('open', '');
}

describe('Settings: back-up', () => {
  it('says there is no backup yet, makes one and shows when, in the Belgian format', async () => {
    const backend = await unlocked(null);
    const create = vi.spyOn(backend, 'createBackup');
    renderSettings(backend);
    expect(await screen.findByRole('heading', { name: m.title })).toBeTruthy();
    await waitFor(() => expect(document.getElementById('backup-last')?.textContent).toContain(m.never));

    await fireEvent.click(screen.getByRole('button', { name: m.create }));
    await waitFor(() => expect(create).toHaveBeenCalledOnce());
    const name = await create.mock.results[0].value;
    expect(name).toMatch(/^schakel-backup-\d{4}-\d{2}-\d{2}-\d{4}\.schakelbackup$/);
    expect((await screen.findByRole('status')).textContent).toContain(name);
    const last = document.getElementById('backup-last')?.textContent ?? '';
    expect(last).toMatch(/Laatste back-up: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  });

  it('shows an old backup as due, and a failure as an error', async () => {
    const at = Date.now() - 9 * DAY;
    const backend = await unlocked(at);
    vi.spyOn(backend, 'createBackup').mockRejectedValue(new BackendError('io', 'disk full'));
    renderSettings(backend);
    await waitFor(() => expect(document.getElementById('backup-last')?.textContent).toContain(formatDateTime(at)));
    expect(screen.getByText(m.due.replace('{days}', '7'))).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: m.create }));
    expect((await screen.findByRole('alert')).textContent).toContain(nl.errors.io);
  });

  it('a cancelled dialog changes nothing', async () => {
    const backend = await unlocked(null);
    vi.spyOn(backend, 'createBackup').mockResolvedValue(null);
    renderSettings(backend);
    await fireEvent.click(await screen.findByRole('button', { name: m.create }));
    await waitFor(() => expect(document.getElementById('backup-last')?.textContent).toContain(m.never));
    expect(screen.queryByRole('status')).toBeNull();
  });
});

describe('Today: backup reminder', () => {
  it('reminds when there was never a backup, and goes once one is made', async () => {
    const backend = await unlocked(null);
    render(Today, { backend, vocabularies: FAKE_VOCABULARIES });
    expect(await screen.findByText(m.reminderTitle)).toBeTruthy();
    expect(screen.getByText(m.reminderNever)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: m.create }));
    expect((await screen.findByRole('status')).textContent).toContain('schakel-backup-');
    expect(screen.queryByText(m.reminderTitle)).toBeNull();
    expect((await backend.backupStatus()).due).toBe(false);
  });

  it('reminds when the last backup is older than a week, not when it is recent', async () => {
    const old = Date.now() - 8 * DAY;
    const backend = await unlocked(old);
    const { unmount } = render(Today, { backend, vocabularies: FAKE_VOCABULARIES });
    expect(await screen.findByText(m.reminderTitle)).toBeTruthy();
    expect(screen.getByText(new RegExp(formatDateTime(old)))).toBeTruthy();
    unmount();

    const recent = await unlocked(Date.now() - 2 * DAY);
    const status = vi.spyOn(recent, 'backupStatus');
    render(Today, { backend: recent, vocabularies: FAKE_VOCABULARIES });
    await waitFor(() => expect(status).toHaveBeenCalled());
    await screen.findByText(nl.today.followUps);
    expect(screen.queryByText(m.reminderTitle)).toBeNull();
  });
});
