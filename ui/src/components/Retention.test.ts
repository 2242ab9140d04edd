import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { BackendError, caseFilter } from '../lib/backend';
import { createFakeBackend, FAKE_OLD_CLOSED_CASES, FAKE_PASSPHRASE, FAKE_TODAY, FAKE_VOCABULARIES, fakeCutOff } from '../lib/backend/fake';
import type { FakeOptions } from '../lib/backend/fake';
import type { Permission } from '../lib/bindings/Permission';
import { locale } from '../lib/i18n';
import nl from '../lib/i18n/nl.json';
import nlPassphrase from '../lib/i18n/parts/passphrase.nl.json';
import nlRetention from '../lib/i18n/parts/retention.nl.json';
import frRetention from '../lib/i18n/parts/retention.fr.json';
import Settings from './Settings.svelte';

const m = nlRetention.retention;
const ADMIN: Permission[] = ['manage_users', 'manage_settings', 'audit', 'maintenance'];

async function unlocked(options: FakeOptions = {}) {
  const backend = createFakeBackend({ oldClosedCases: true, ...options });
  await backend.unlock(FAKE_PASSPHRASE);
  return backend;
}

function renderSettings(backend: Awaited<ReturnType<typeof unlocked>>, permissions: Permission[] = ADMIN) {
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

const byId = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is not there`);
  return el;
};
/** dd/mm/yyyy of an ISO date, written out here rather than with the code under test. */
const be = (iso: string) => iso.split('-').reverse().join('/');

describe('Settings: retention', () => {
  it('sets a period, previews the old closed cases in dd/mm/yyyy and purges exactly them after a confirmation', async () => {
    const backend = await unlocked();
    const purge = vi.spyOn(backend, 'retentionPurge');
    renderSettings(backend);
    expect(await screen.findByRole('heading', { name: m.title })).toBeTruthy();
    await waitFor(() => expect(byId('retention-current').textContent).toBe(m.explainOff));
    expect(document.getElementById('retention-preview')).toBeNull();

    await fireEvent.input(byId('retention-months'), { target: { value: '36' } });
    await fireEvent.click(byId('retention-save'));
    expect((await screen.findByRole('status')).textContent).toBe(m.saved);
    expect((await backend.retentionSetting()).months).toBe(36);
    const cutOff = fakeCutOff(FAKE_TODAY, 36);
    expect(byId('retention-cutoff').textContent).toContain(be(cutOff));

    await backend.addNote('c-90', 'Belt volgende week terug');
    await fireEvent.click(byId('retention-preview'));
    const list = await waitFor(() => byId('retention-list'));
    const expected = FAKE_OLD_CLOSED_CASES.filter(([, , closed]) => closed < cutOff);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(FAKE_OLD_CLOSED_CASES.length);
    const rows = within(list).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.querySelector('td')?.textContent)).toEqual(expected.map(([code]) => code));
    expect(rows.map((r) => r.querySelectorAll('td')[1].textContent)).toEqual(expected.map(([, , closed]) => be(closed)));
    expect(list.textContent).toContain(`${expected.length} dossiers werden vóór ${be(cutOff)} afgesloten`);
    // One of a kind in the singular, several in the plural.
    expect(list.textContent).toContain('Samen met: 1 notitie, 0 signalen, 0 doorverwijzingen (0 stappen)');
    expect(list.textContent).toContain(`${expected.length} levensdomeinen`);

    // The purge asks first; cancelling purges nothing.
    await fireEvent.click(byId('retention-purge'));
    expect(byId('retention-confirm-title').textContent).toBe(m.confirmTitle);
    await fireEvent.click(byId('retention-cancel'));
    expect(purge).not.toHaveBeenCalled();

    const token = (await backend.retentionPreview()).token;
    await fireEvent.click(byId('retention-purge'));
    await fireEvent.click(byId('retention-confirm'));
    await waitFor(() => expect(purge).toHaveBeenCalledOnce());
    expect(purge).toHaveBeenCalledWith(token);
    expect((await screen.findByText(/dossiers gewist/)).id).toBe('retention-done');
    expect(document.getElementById('retention-list')).toBeNull();
    // They are gone: a new preview finds nothing, and the kept old case is still there.
    const after = await backend.retentionPreview();
    expect(after.cases).toEqual([]);
    await fireEvent.click(byId('retention-preview'));
    await waitFor(() => expect(byId('retention-list').textContent).toContain('Er is niets te wissen'));
    const old = await backend.listCases(caseFilter({ status: 'closed' }));
    const codes = old.rows.map((c) => c.code);
    for (const [code, , closed] of FAKE_OLD_CLOSED_CASES) expect(codes.includes(code)).toBe(closed >= cutOff);
  });

  it('shows a purge refused because the set changed, and purges nothing', async () => {
    const backend = await unlocked({ retentionMonths: 60 });
    vi.spyOn(backend, 'retentionPurge').mockRejectedValueOnce(new BackendError('preview_changed', 'changed'));
    renderSettings(backend);
    await fireEvent.click(await screen.findByRole('button', { name: m.preview }));
    await fireEvent.click(await screen.findByRole('button', { name: m.purge }));
    await fireEvent.click(byId('retention-confirm'));
    expect((await screen.findByRole('alert')).textContent).toContain(nl.errors.preview_changed);
    expect(document.getElementById('retention-done')).toBeNull();
    expect(document.getElementById('retention-list')).toBeNull();
    expect((await backend.retentionPreview()).cases.length).toBeGreaterThan(0);
  });

  it('shows the core’s refusal of a period out of range with the field named', async () => {
    const backend = await unlocked();
    renderSettings(backend);
    await fireEvent.input(await screen.findByLabelText(m.months), { target: { value: '6' } });
    await fireEvent.click(byId('retention-save'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(nl.errors.validation);
    expect(alert.textContent).toContain(nl.fields.retention_months);
    expect((await backend.retentionSetting()).months).toBeNull();
  });

  it('switches the period off', async () => {
    const backend = await unlocked({ retentionMonths: 120 });
    renderSettings(backend);
    await waitFor(() => expect(byId('retention-current').textContent).toBe(m.explainOn.replace('{months}', '120')));
    await fireEvent.click(byId('retention-off'));
    expect((await screen.findByRole('status')).textContent).toBe(m.savedOff);
    expect((await backend.retentionSetting()).months).toBeNull();
    expect(document.getElementById('retention-preview')).toBeNull();
  });

  it('is offered only to those who may use it', async () => {
    const backend = await unlocked({ retentionMonths: 60 });
    const load = vi.spyOn(backend, 'retentionSetting');
    renderSettings(backend, ['case_work', 'case_lists']);
    // Settings shows what every role may: changing one's own passphrase.
    await screen.findByRole('heading', { name: nlPassphrase.passphraseChange.title });
    expect(screen.queryByRole('heading', { name: m.title })).toBeNull();
    expect(load).not.toHaveBeenCalled();
  });

  it('speaks French, with the plural and the Belgian date', async () => {
    locale.set('fr');
    const backend = await unlocked({ retentionMonths: 60 });
    renderSettings(backend);
    await fireEvent.click(await screen.findByRole('button', { name: frRetention.retention.preview }));
    const list = await waitFor(() => byId('retention-list'));
    const cutOff = fakeCutOff(FAKE_TODAY, 60);
    const n = FAKE_OLD_CLOSED_CASES.filter(([, , closed]) => closed < cutOff).length;
    expect(list.textContent).toContain(`${n} dossiers ont été clôturés avant le ${be(cutOff)}`);
    expect(screen.getByRole('button', { name: frRetention.retention.purge })).toBeTruthy();
  });
});
