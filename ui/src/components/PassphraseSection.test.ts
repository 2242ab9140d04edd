import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE, FAKE_VOCABULARIES } from '../lib/backend/fake';
import type { Permission } from '../lib/bindings/Permission';
import type { Role } from '../lib/bindings/Role';
import nl from '../lib/i18n/nl.json';
import nlCase from '../lib/i18n/parts/case.nl.json';
import nlBackup from '../lib/i18n/parts/backup.nl.json';
import nlRetention from '../lib/i18n/parts/retention.nl.json';
import nlPass from '../lib/i18n/parts/passphrase.nl.json';
import App from './App.svelte';
import Settings from './Settings.svelte';

const m = nlPass.passphraseChange;
const NEW = 'groene fiets onder de kanaalbrug';
const ADMIN: Permission[] = ['manage_users', 'manage_settings', 'audit', 'maintenance'];

async function unlocked() {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  return backend;
}

function renderSettings(backend: Awaited<ReturnType<typeof unlocked>>, permissions: Permission[]) {
  render(Settings, {
    backend,
    settings: { auto_lock_minutes: 10 },
    vocabularies: FAKE_VOCABULARIES,
    onSaved: () => {},
    onClose: () => {},
    permissions,
  });
  // jsdom has no showModal: open the dialog so its content is in the accessibility tree.
  document.querySelector('dialog')?.setAttribute('open', '');
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const submit = () => screen.getByRole('button', { name: m.submit }) as HTMLButtonElement;

async function fill(current: string, next: string, repeat = next) {
  await fireEvent.input(field(m.current), { target: { value: current } });
  await fireEvent.input(field(m.new), { target: { value: next } });
  await fireEvent.input(field(m.repeat), { target: { value: repeat } });
}

describe('Settings: change passphrase', () => {
  it('asks the core about the new passphrase while typing and needs it twice', async () => {
    const backend = await unlocked();
    const strength = vi.spyOn(backend, 'passphraseStrength');
    renderSettings(backend, ['case_work', 'case_lists']);
    expect(screen.getByRole('heading', { name: m.title })).toBeTruthy();
    await fill(FAKE_PASSPHRASE, 'kort');
    await waitFor(() => expect(strength).toHaveBeenLastCalledWith('kort'));
    expect(await screen.findByText(nl.firstRun.strength.replace('{level}', nl.strength.weak))).toBeTruthy();
    expect(submit().disabled).toBe(true);

    await fill(FAKE_PASSPHRASE, NEW, 'iets anders');
    expect(screen.getByText(m.mismatch)).toBeTruthy();
    expect(submit().disabled).toBe(true);

    await fireEvent.input(field(m.repeat), { target: { value: NEW } });
    await waitFor(() => expect(submit().disabled).toBe(false));
    expect(screen.getByText(nl.firstRun.strength.replace('{level}', nl.strength.strong))).toBeTruthy();
    // Without the current passphrase, nothing is sent.
    await fireEvent.input(field(m.current), { target: { value: '' } });
    expect(submit().disabled).toBe(true);
  });

  it('says a wrong current passphrase in words for this form, changes nothing and empties it', async () => {
    const backend = await unlocked();
    const change = vi.spyOn(backend, 'changePassphrase');
    renderSettings(backend, ['case_work', 'case_lists']);
    await fill('niet mijn wachtzin van vroeger', NEW);
    await waitFor(() => expect(submit().disabled).toBe(false));
    await fireEvent.click(submit());

    const alert = await screen.findByRole('alert');
    expect(alert.textContent?.trim()).toBe(m.wrongCurrent);
    expect(alert.textContent).not.toContain(nl.errors.wrong_passphrase);
    expect(change).toHaveBeenCalledWith('niet mijn wachtzin van vroeger', NEW);
    expect(field(m.current).value).toBe('');
    expect(field(m.current).getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(field(m.current));
    expect(screen.queryByText(m.done)).toBeNull();
    // The store still opens with the passphrase of before, not with the new one.
    await backend.lock();
    await expect(backend.unlock(NEW)).rejects.toMatchObject({ kind: 'wrong_passphrase' });
    await backend.unlock(FAKE_PASSPHRASE);
  });

  it('shows the refusal of a weak new passphrase by the core in words for this form', async () => {
    const backend = await unlocked();
    // The UI's feedback says fine; the core (here the fake) judges again when it is saved.
    vi.spyOn(backend, 'passphraseStrength').mockResolvedValue({ score: 4, acceptable: true, too_short: false });
    renderSettings(backend, ['statistics']);
    await fill(FAKE_PASSPHRASE, 'drie korte woorden');
    await waitFor(() => expect(submit().disabled).toBe(false));
    await fireEvent.click(submit());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent?.trim()).toBe(m.tooWeak);
    expect(alert.textContent).not.toContain(nl.errors.field.split('{')[0]);
    await backend.lock();
    await backend.unlock(FAKE_PASSPHRASE);
  });

  it('changes it: a success message, every field empty, the old passphrase refused and the new one opens', async () => {
    const backend = await unlocked();
    renderSettings(backend, ['case_work', 'case_lists']);
    await fill(FAKE_PASSPHRASE, NEW);
    await waitFor(() => expect(submit().disabled).toBe(false));
    await fireEvent.click(submit());

    expect((await screen.findByRole('status')).textContent).toBe(m.done);
    expect(screen.queryByRole('alert')).toBeNull();
    for (const label of [m.current, m.new, m.repeat]) expect(field(label).value).toBe('');
    expect(submit().disabled).toBe(true);
    // Typing again removes the message.
    await fireEvent.input(field(m.current), { target: { value: 'x' } });
    expect(screen.queryByText(m.done)).toBeNull();

    await backend.lock();
    await expect(backend.unlock(FAKE_PASSPHRASE)).rejects.toMatchObject({ kind: 'wrong_passphrase' });
    await backend.unlock(NEW);
    const audit = await backend.auditEntries({ action: 'passphrase.change', offset: 0, limit: 10 });
    expect(audit.total).toBe(1);
  });

  it('offers an administrator every section, and other roles only the passphrase', async () => {
    const backend = await unlocked();
    const backupStatus = vi.spyOn(backend, 'backupStatus');
    const partners = vi.spyOn(backend, 'partners');
    renderSettings(backend, ['case_work', 'case_lists']);
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('heading', { name: m.title })).toBeTruthy();
    expect(within(dialog).getAllByRole('heading', { level: 3 })).toHaveLength(1);
    expect(screen.queryByLabelText(nlCase.session.autoLockMinutes)).toBeNull();
    expect(screen.queryByRole('heading', { name: nlBackup.backup.title })).toBeNull();
    expect(screen.queryByRole('heading', { name: nlRetention.retention.title })).toBeNull();
    // Nothing the core would refuse this role is asked for.
    expect(backupStatus).not.toHaveBeenCalled();
    expect(partners).not.toHaveBeenCalled();
  });

  it('is there for an administrator too, between the auto-lock time and the backups', async () => {
    const backend = await unlocked();
    renderSettings(backend, ADMIN);
    const headings = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent?.trim());
    expect(headings[0]).toBe(m.title);
    expect(headings).toContain(nlBackup.backup.title);
    expect(headings).toContain(nlRetention.retention.title);
    expect(screen.getByLabelText(nlCase.session.autoLockMinutes)).toBeTruthy();
  });
});

describe('Settings for every role', () => {
  for (const roles of [['caseworker'], ['coordinator'], ['exporter']] as Role[][]) {
    it(`a user with role ${roles.join(', ')} reaches it from the header and changes her first passphrase`, async () => {
      const FIRST = 'rode tram naar het zuidstation';
      const backend = createFakeBackend();
      await backend.unlock(FAKE_PASSPHRASE);
      await backend.addUser({ displayName: 'Lies Janssens', roles, passphrase: FIRST });
      await backend.lock();
      render(App, { backend });
      await fireEvent.input(await screen.findByLabelText(nl.unlock.passphrase), { target: { value: FIRST } });
      await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));
      await fireEvent.click(await screen.findByRole('button', { name: nlCase.session.settings }));
      document.querySelector('dialog')?.setAttribute('open', '');
      expect(await screen.findByRole('heading', { name: m.title })).toBeTruthy();
      expect(screen.queryByLabelText(nlCase.session.autoLockMinutes)).toBeNull();

      await fill(FIRST, NEW);
      await waitFor(() => expect(submit().disabled).toBe(false));
      await fireEvent.click(submit());
      expect(await screen.findByText(m.done)).toBeTruthy();

      await fireEvent.click(screen.getByRole('button', { name: nl.header.lock }));
      await fireEvent.input(await screen.findByLabelText(nl.unlock.passphrase), { target: { value: FIRST } });
      await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));
      expect((await screen.findByRole('alert')).textContent).toContain(nl.errors.wrong_passphrase);
      await fireEvent.input(screen.getByLabelText(nl.unlock.passphrase), { target: { value: NEW } });
      await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));
      expect(await screen.findByText(/Lies Janssens/)).toBeTruthy();
      // The administrator's passphrase is untouched.
      await backend.lock();
      await backend.unlock(FAKE_PASSPHRASE);
    });
  }
});
