import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE, type FakeOptions } from '../../lib/backend/fake';
import nl from '../../lib/i18n/nl.json';
import nlCase from '../../lib/i18n/parts/case.nl.json';
import nlAdmin from '../../lib/i18n/parts/admin.nl.json';
import App from '../App.svelte';

async function unlockApp(options: FakeOptions) {
  render(App, { backend: createFakeBackend(options) });
  await fireEvent.input(await screen.findByLabelText(nl.unlock.passphrase), { target: { value: FAKE_PASSPHRASE } });
  await fireEvent.click(screen.getByRole('button', { name: nl.unlock.submit }));
}

describe('Beheer in the navigation', () => {
  it('is offered to an administrator and opens users and the audit log', async () => {
    await unlockApp({});
    await fireEvent.click(await screen.findByRole('button', { name: nlAdmin.admin.nav }));
    expect(await screen.findByRole('heading', { name: nlAdmin.admin.users.title })).toBeTruthy();
    expect(screen.getByRole('tab', { name: nlAdmin.admin.tabAudit })).toBeTruthy();
  });

  it('is not offered to a caseworker, who sees only the caseworker screens', async () => {
    await unlockApp({ roles: ['caseworker'] });
    expect(await screen.findByRole('heading', { name: nl.today.followUps })).toBeTruthy();
    expect(screen.queryByRole('button', { name: nlAdmin.admin.nav })).toBeNull();
    // Settings holds, for her, only changing her own passphrase.
    expect(screen.getByRole('button', { name: nlCase.session.settings })).toBeTruthy();
    expect(screen.queryByRole('button', { name: nl.header.dashboard })).toBeNull();
    expect(screen.getByRole('button', { name: nl.header.cases })).toBeTruthy();
  });

  it('an administrator without other roles starts on Beheer', async () => {
    await unlockApp({ roles: ['admin'] });
    expect(await screen.findByRole('heading', { name: nlAdmin.admin.title })).toBeTruthy();
    expect(screen.queryByRole('button', { name: nl.header.cases })).toBeNull();
  });
});
