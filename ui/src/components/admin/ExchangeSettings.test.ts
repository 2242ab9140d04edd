import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { createFakeBackend, FAKE_DMW_WORDS, FAKE_OWN_WORDS, FAKE_PASSPHRASE } from '../../lib/backend/fake';
import nl from '../../lib/i18n/parts/exchange.nl.json';
import ExchangeSettings from './ExchangeSettings.svelte';

async function setup() {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  render(ExchangeSettings, { backend });
  await vi.waitFor(() => expect(document.getElementById('own-words')).toBeTruthy());
  await vi.waitFor(() => expect(document.getElementById('pinned-keys')).toBeTruthy());
  return backend;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

describe('Beheer → Uitwisseling', () => {
  it("shows the store's fingerprint as ten large words, as hex and as a QR code", async () => {
    await setup();
    const words = [...byId('own-words').querySelectorAll('li')].map((li) => li.lastChild?.textContent?.trim());
    expect(words).toEqual(FAKE_OWN_WORDS);
    expect(byId('own-hex').textContent).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){4}$/);
    const qr = byId('own-qr');
    expect(qr.getAttribute('aria-label')).toBe(nl.exchange.admin.qr);
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M/);
  });

  it('exports the card to the file the shell asks for', async () => {
    await setup();
    await fireEvent.click(byId('card-export'));
    await screen.findByText(nl.exchange.admin.cardSaved.replace('{file}', 'schakel-kaart-OCMW-Jette.json'));
  });

  it('refuses a card whose words do not match, clearly, and pins it with the right words', async () => {
    const backend = await setup();
    const pin = vi.spyOn(backend, 'pinPartnerCard');
    await fireEvent.input(byId('pin-words'), { target: { value: 'tiger candle ribbon meadow wagon falcon cactus quartz basket lamp' } });
    await fireEvent.click(byId('pin-card'));
    expect((await screen.findByRole('alert')).textContent?.trim()).toBe(nl.exchange.admin.mismatch);
    expect(byId('pinned-keys').textContent).not.toContain('DMW CM Brussel');

    await fireEvent.input(byId('pin-words'), { target: { value: FAKE_DMW_WORDS.join(', ').toUpperCase() } });
    await fireEvent.click(byId('pin-card'));
    await vi.waitFor(() => expect(byId('pin-result')).toBeTruthy());
    expect(pin).toHaveBeenLastCalledWith(FAKE_DMW_WORDS.join(', ').toUpperCase());
    expect(byId('pin-result').textContent).toContain('DMW CM Brussel');
    await vi.waitFor(() => expect(byId('pinned-keys').textContent).toContain('DMW CM Brussel'));
    // The new exchange partner can be chosen as coordinator.
    expect([...byId<HTMLSelectElement>('coordinator').options].map((o) => o.textContent?.trim())).toContain('DMW CM Brussel');
  });

  it('revokes a partner after a confirmation', async () => {
    await setup();
    const revoke = document.querySelector('[data-revoke="p-caw-brussel"]') as HTMLButtonElement;
    await fireEvent.click(revoke);
    await screen.findByText(nl.exchange.admin.revokeConfirm.replace('{partner}', 'CAW Brussel'), { exact: false });
    await fireEvent.click(screen.getByRole('button', { name: nl.exchange.admin.revokeYes }));
    await vi.waitFor(() => expect(byId('pinned-keys').textContent).toContain(nl.exchange.admin.keyState.revoked));
  });

  it('sets the coordinator', async () => {
    const backend = await setup();
    await fireEvent.change(byId('coordinator'), { target: { value: 'p-caw-brussel' } });
    await fireEvent.click(byId('coordinator-save'));
    await screen.findByText(nl.exchange.admin.saved);
    expect(await backend.exchangeCoordinator()).toBe('p-caw-brussel');
  });

  it('sets the hub with a CA file and a password; a URL with a password is refused', async () => {
    const backend = await setup();
    const setHub = vi.spyOn(backend, 'setHub');
    expect(byId('hub-configured').textContent).toBe(nl.exchange.admin.hubNone);
    await fireEvent.input(byId('hub-url'), { target: { value: 'postgres://ocmw:geheim@hub.example.be/schakel_hub' } });
    await fireEvent.input(byId('hub-password'), { target: { value: 'een lang wachtwoord' } });
    await fireEvent.click(byId('hub-save'));
    expect((await screen.findByRole('alert')).textContent?.trim()).toBe(nl.exchange.admin.urlInvalid);

    await fireEvent.click(screen.getByRole('button', { name: nl.exchange.admin.pickCa }));
    await vi.waitFor(() => expect(byId('hub-ca').textContent).toBe('hub-ca.pem'));
    await fireEvent.input(byId('hub-url'), { target: { value: 'postgres://ocmw_jette@hub.example.be:5432/schakel_hub' } });
    await fireEvent.input(byId('hub-password'), { target: { value: 'een lang wachtwoord' } });
    await fireEvent.click(byId('hub-save'));
    await screen.findByText(nl.exchange.admin.hubSaved);
    expect(setHub.mock.calls.at(-1)?.[0].ca_cert_pem).toContain('BEGIN CERTIFICATE');
    expect(byId('hub-configured').textContent).toContain('hub.example.be:5432/schakel_hub as ocmw_jette');
    expect(byId<HTMLInputElement>('hub-password').value).toBe('');
    await vi.waitFor(() => expect(byId('hub-line')).toBeTruthy());
    await fireEvent.click(byId('hub-forget'));
    await vi.waitFor(() => expect(byId('hub-configured').textContent).toBe(nl.exchange.admin.hubNone));
  });
});
