import { describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE, FAKE_RECOVERY_KEY } from '../lib/backend/fake';
import { STORAGE_KEY } from '../lib/i18n';
import nl from '../lib/i18n/nl.json';
import nlCase from '../lib/i18n/parts/case.nl.json';
import nlStats from '../lib/i18n/parts/stats.nl.json';
import fr from '../lib/i18n/fr.json';
import App from './App.svelte';

describe('App', () => {
  it('switches the visible labels to French and remembers the choice', async () => {
    render(App, { backend: createFakeBackend() });
    expect(await screen.findByRole('heading', { name: nl.unlock.title })).toBeTruthy();
    expect(screen.getByLabelText(nl.unlock.passphrase)).toBeTruthy();

    await fireEvent.change(screen.getByLabelText(nl.header.language), { target: { value: 'fr' } });

    expect(await screen.findByRole('heading', { name: fr.unlock.title })).toBeTruthy();
    expect(screen.getByLabelText(fr.unlock.passphrase)).toBeTruthy();
    expect(screen.getByLabelText(fr.header.language)).toBeTruthy();
    expect(localStorage.getItem(STORAGE_KEY)).toBe('fr');
  });

  it('unlocks, shows today, and locks again', async () => {
    render(App, { backend: createFakeBackend() });
    await fireEvent.input(await screen.findByLabelText(nl.unlock.passphrase), {
      target: { value: FAKE_PASSPHRASE },
    });
    await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));

    expect(await screen.findByRole('heading', { name: nl.today.followUps })).toBeTruthy();
    expect(await screen.findByText('Doorverwijzing nagaan')).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: nl.header.cases }));
    expect(await screen.findByRole('heading', { name: nl.cases.title })).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: nl.header.lock }));
    expect(await screen.findByRole('heading', { name: nl.unlock.title })).toBeTruthy();
  });

  it('first run: shows the recovery key once, then the main screen', async () => {
    render(App, { backend: createFakeBackend({ status: 'missing' }) });
    await screen.findByRole('heading', { name: nl.firstRun.title });

    await fireEvent.input(screen.getByLabelText(nl.firstRun.partnerName), { target: { value: 'OCMW Jette' } });
    await fireEvent.input(screen.getByLabelText(nl.firstRun.workerName), { target: { value: 'An' } });
    await fireEvent.input(screen.getByLabelText(nl.firstRun.passphrase), { target: { value: 'kort' } });
    await fireEvent.input(screen.getByLabelText(nl.firstRun.passphraseRepeat), { target: { value: 'kort' } });
    // The core judges the passphrase while it is typed: too weak, no submitting.
    const submit = screen.getByRole('button', { name: nl.firstRun.submit }) as HTMLButtonElement;
    await waitFor(() => expect(screen.getByText(/zwak/)).toBeTruthy());
    expect(submit.disabled).toBe(true);

    const good = 'lange zin met vier woorden';
    await fireEvent.input(screen.getByLabelText(nl.firstRun.passphrase), { target: { value: good } });
    await fireEvent.input(screen.getByLabelText(nl.firstRun.passphraseRepeat), { target: { value: good } });
    await waitFor(() => expect(submit.disabled).toBe(false));
    expect(screen.getByText(/sterk/)).toBeTruthy();
    await fireEvent.click(submit);

    expect(await screen.findByText(FAKE_RECOVERY_KEY)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: nl.recovery.confirm }));
    expect(await screen.findByRole('heading', { name: nl.today.title })).toBeTruthy();
    expect(screen.queryByText(FAKE_RECOVERY_KEY)).toBeNull();
  });

  async function unlocked(options: Parameters<typeof createFakeBackend>[0] = {}) {
    const backend = createFakeBackend(options);
    render(App, { backend });
    await fireEvent.input(await screen.findByLabelText(nl.unlock.passphrase), {
      target: { value: FAKE_PASSPHRASE },
    });
    await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));
    await screen.findByRole('heading', { name: nl.today.followUps });
    return backend;
  }

  it('goes from a follow-up on the today screen to its case in one click', async () => {
    await unlocked();
    await fireEvent.click(await screen.findByRole('button', { name: 'M3TR-8WZE' }));
    expect(await screen.findByRole('heading', { name: /M3TR-8WZE/ })).toBeTruthy();
    expect(screen.getByRole('heading', { name: nlCase.timeline.title })).toBeTruthy();
  });

  it('opens the quick intake with Alt+N and lands on the new case', async () => {
    const backend = await unlocked();
    const openCase = vi.spyOn(backend, 'openCase');
    await fireEvent.keyDown(window, { key: 'n', altKey: true });
    expect(await screen.findByRole('heading', { name: nlCase.intake.title })).toBeTruthy();
    // The first field has the focus: the walk-in starts at once.
    expect(document.activeElement?.id).toBe('intake-municipality');
    const pick = (label: string, value: string) =>
      fireEvent.change(screen.getByLabelText(label), { target: { value } });
    await pick(nl.cases.municipality, '21015');
    await pick(nl.cases.entryRoute, 'own_initiative');
    await pick(nl.cases.ageBand, '35_44');
    await pick(nl.cases.household, 'single_parent');
    const submit = screen.getByRole('button', { name: nlCase.intake.submit }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true); // no life domain yet
    // Digit 3 ticks the third life domain (housing in the fake).
    await fireEvent.keyDown(screen.getByRole('group', { name: nl.cases.domains }), { key: '3' });
    expect(submit.disabled).toBe(false);
    await fireEvent.keyDown(screen.getByLabelText(nl.cases.household), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(openCase).toHaveBeenCalledTimes(1));
    expect(openCase.mock.calls[0][0]).toMatchObject({
      municipality: '21015',
      entry_route: 'own_initiative',
      age_band: '35_44',
      household_type: 'single_parent',
      life_domains: ['housing'],
    });
    const code = (await openCase.mock.results[0].value).code;
    expect(await screen.findByText(nlCase.caseView.openedToast.replace('{code}', code))).toBeTruthy();
    expect(screen.getByRole('heading', { name: new RegExp(code) })).toBeTruthy();
  });

  it('shows the unlock screen with the reason when the shell locks after idle time', async () => {
    const backend = await unlocked();
    backend.fireAutoLock();
    expect(await screen.findByRole('heading', { name: nl.unlock.title })).toBeTruthy();
    expect(screen.getByText(/10 minuten zonder activiteit/)).toBeTruthy();
    expect(screen.queryByText('Doorverwijzing nagaan')).toBeNull();
  });

  it('says the screen lock or sleep locked it, when the system did', async () => {
    for (const [reason, message] of [
      ['screen_locked', nlCase.session.lockedScreen],
      ['sleep', nlCase.session.lockedSleep],
    ] as const) {
      const backend = await unlocked();
      backend.fireAutoLock(reason);
      expect(await screen.findByRole('heading', { name: nl.unlock.title })).toBeTruthy();
      expect(screen.getByRole('status').textContent?.trim()).toBe(message);
      expect(screen.queryByText(/zonder activiteit/)).toBeNull();
      cleanup();
    }
  });

  it('words the follow-up reminder in the chosen language', async () => {
    const backend = await unlocked();
    backend.fireReminder(2);
    await waitFor(() => expect(backend.notifications).toHaveLength(1));
    expect(backend.notifications[0]).toEqual({
      title: nlCase.session.reminderTitle,
      body: '2 opvolgingen staan vandaag op uw lijst.',
    });
  });

  it('says on every screen that a demo store holds fictitious data', async () => {
    await unlocked({ demo: true });
    expect(screen.getByRole('note').textContent).toContain(nlCase.session.demo);
    await fireEvent.click(screen.getByRole('button', { name: nl.header.cases }));
    expect(screen.getByRole('note')).toBeTruthy();
  });

  it('picks up a new day when the worker moves on after midnight', async () => {
    const backend = await unlocked();
    const session = await backend.session();
    const sessionSpy = vi.spyOn(backend, 'session').mockResolvedValue({ ...session, today: '2026-11-26' });
    const kpis = vi.spyOn(backend, 'referralKpis');
    await fireEvent.click(screen.getByRole('button', { name: nl.header.cases }));
    await waitFor(() => expect(sessionSpy).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 0));
    // The dashboard's default period ends on the session's today.
    await fireEvent.click(screen.getByRole('button', { name: nl.header.dashboard }));
    await waitFor(() => expect(kpis).toHaveBeenLastCalledWith(expect.objectContaining({ to: '2026-11-26' })));
  });
  it('opens the statistics from the header', async () => {
    await unlocked();
    await fireEvent.click(screen.getByRole('button', { name: nl.header.statistics }));
    expect(await screen.findByRole('heading', { name: nlStats.stats.title })).toBeTruthy();
    expect(screen.getByRole('button', { name: nl.header.statistics }).getAttribute('aria-current')).toBe('page');
  });

  it('offers an exporter only the statistics, and starts there', async () => {
    const backend = createFakeBackend();
    const real = backend.session.bind(backend);
    vi.spyOn(backend, 'session').mockImplementation(async () => ({
      ...(await real()),
      permissions: ['statistics'],
    }));
    render(App, { backend });
    await fireEvent.input(await screen.findByLabelText(nl.unlock.passphrase), {
      target: { value: FAKE_PASSPHRASE },
    });
    await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));
    expect(await screen.findByRole('heading', { name: nlStats.stats.title })).toBeTruthy();
    expect(screen.getByRole('button', { name: nl.header.statistics })).toBeTruthy();
    for (const tab of [nl.header.today, nl.header.cases, nl.header.dashboard]) {
      expect(screen.queryByRole('button', { name: tab })).toBeNull();
    }
    // Settings is there, with only what every role may: changing one's own passphrase.
    expect(document.getElementById('settings-open')).toBeTruthy();
    // No quick intake for a role that may not register cases.
    await fireEvent.keyDown(window, { key: 'n', altKey: true });
    expect(screen.queryByRole('heading', { name: nlCase.intake.title })).toBeNull();
  });
});
