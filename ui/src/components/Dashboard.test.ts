import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE, FAKE_VOCABULARIES } from '../lib/backend/fake';
import nlDash from '../lib/i18n/parts/dashboard.nl.json';
import Dashboard from './Dashboard.svelte';

async function setup() {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  const session = await backend.session();
  const referralKpis = vi.spyOn(backend, 'referralKpis');
  const onOpen = vi.fn();
  render(Dashboard, { backend, session, vocabularies: FAKE_VOCABULARIES, onOpen });
  await waitFor(() => expect(document.querySelector('#kpi-sent .value')).not.toBeNull());
  return { referralKpis, onOpen };
}

describe('Dashboard', () => {
  it('asks the core for the last year and shows its figures', async () => {
    const { referralKpis } = await setup();
    expect(referralKpis).toHaveBeenCalledWith(expect.objectContaining({ from: '2025-11-26', to: '2026-11-25', target_working_days: 5 }));
    // Headline: 40 sent, 36 of 40 accepted = 90 %, median 2 wd, 34 of 37 within target = 92 %.
    expect(document.querySelector('#kpi-sent .value')?.textContent).toBe('40');
    expect(document.querySelector('#kpi-accepted .value')?.textContent).toBe('90 %');
    expect(document.querySelector('#kpi-median-acceptance .value')?.textContent).toBe('2');
    expect(document.querySelector('#kpi-within-target .value')?.textContent).toBe('92 %');
  });

  it('draws the flow matrix with a cell per sender and receiver', async () => {
    await setup();
    const matrix = document.getElementById('flow-matrix') as HTMLTableElement;
    const cell = matrix.querySelector('td[data-from="p-ocmw-jette"][data-to="p-caw-brussel"]');
    expect(cell?.textContent).toBe('22');
    expect(within(matrix).getAllByRole('row')).toHaveLength(3); // header + 2 senders
  });

  it('filters by mode and opens a stalled case in one click', async () => {
    const { referralKpis, onOpen } = await setup();
    await fireEvent.change(screen.getByLabelText(nlDash.dashboard.mode), { target: { value: 'warm' } });
    await waitFor(() => expect(referralKpis).toHaveBeenLastCalledWith(expect.objectContaining({ mode: 'warm' })));
    await fireEvent.click(screen.getByRole('button', { name: 'H2VC-7PKM' }));
    expect(onOpen).toHaveBeenCalledWith('c-5');
  });

  it('passes extra closing days to the core, and asks nothing while one is invalid', async () => {
    const { referralKpis } = await setup();
    const field = screen.getByLabelText(nlDash.dashboard.closed);
    await fireEvent.input(field, { target: { value: '11/07/2026, 31/02/2026' } });
    expect(await screen.findByText(nlDash.dashboard.closedInvalid)).toBeTruthy();
    const calls = referralKpis.mock.calls.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(referralKpis.mock.calls.length).toBe(calls);
    await fireEvent.input(field, { target: { value: '11/07/2026, 27/09/2026' } });
    await waitFor(() =>
      expect(referralKpis).toHaveBeenLastCalledWith(expect.objectContaining({ closing_days: ['2026-07-11', '2026-09-27'] })),
    );
  });
});

describe('Dashboard, flagged referrals', () => {
  it('lists referrals whose dates or clocks do not add up, with the reason, and hides the list when there are none', async () => {
    const backend = createFakeBackend();
    await backend.unlock(FAKE_PASSPHRASE);
    const session = await backend.session();
    const real = backend.referralKpis.bind(backend);
    vi.spyOn(backend, 'referralKpis').mockImplementation(async (f) => ({
      ...(await real(f)),
      flagged: [
        {
          referral_id: 'r-x',
          case_id: null,
          case_code: '',
          from: 'p-ocmw-jette',
          to: 'p-caw-brussel',
          life_domain: 'housing',
          state: 'accepted',
          sent_on: '2026-11-04',
          flags: ['clock_ahead'],
        },
      ],
      flagged_total: 1,
    }));
    render(Dashboard, { backend, session, vocabularies: FAKE_VOCABULARIES, onOpen: vi.fn() });
    const list = await waitFor(() => {
      const el = document.getElementById('flagged-list');
      expect(el).not.toBeNull();
      return el as HTMLElement;
    });
    expect(list.textContent).toContain('04/11/2026');
    expect(list.textContent).toContain('klok loopt voor');
    expect(document.getElementById('flagged-title')?.textContent).toContain('1');
  });

  it('shows no flagged section when the core reports none', async () => {
    await setup();
    expect(document.getElementById('flagged-list')).toBeNull();
  });
});
