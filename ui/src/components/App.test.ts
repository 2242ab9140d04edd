import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE, FAKE_RECOVERY_KEY } from '../lib/backend/fake';
import { STORAGE_KEY } from '../lib/i18n';
import nl from '../lib/i18n/nl.json';
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
});
