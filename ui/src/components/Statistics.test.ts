import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createFakeBackend, FAKE_PASSPHRASE } from '../lib/backend/fake';
import { setLang } from '../lib/i18n';
import nl from '../lib/i18n/nl.json';
import nlStats from '../lib/i18n/parts/stats.nl.json';
import Statistics from './Statistics.svelte';

const m = nlStats.stats;

async function setup() {
  const backend = createFakeBackend();
  await backend.unlock(FAKE_PASSPHRASE);
  const session = await backend.session();
  const monthly = vi.spyOn(backend, 'monthlyStatistics');
  const exporter = vi.spyOn(backend, 'exportMonthlyStatistics');
  render(Statistics, { backend, session });
  return { backend, monthly, exporter };
}

const table = (id: string) => document.querySelector(`table[data-table-id="${id}"]`) as HTMLTableElement;

async function showNetwork() {
  await fireEvent.change(screen.getByLabelText(m.scope), { target: { value: 'network' } });
  await fireEvent.click(screen.getByRole('button', { name: m.show }));
  await waitFor(() => expect(document.querySelector('table[data-table-id]')).not.toBeNull());
}

afterEach(() => setLang('nl'));

describe('Statistics', () => {
  it('starts on the previous month with threshold 5 and asks nothing until Toon', async () => {
    const { monthly } = await setup();
    expect((screen.getByLabelText(m.month) as HTMLInputElement).value).toBe('2026-10');
    expect((screen.getByLabelText(m.threshold) as HTMLInputElement).value).toBe('5');
    expect(monthly).not.toHaveBeenCalled();
    await showNetwork();
    expect(monthly).toHaveBeenCalledWith({ month: '2026-10', scope: 'network', threshold: 5, sensitiveThreshold: null, lang: 'nl' });
  });

  it('renders every table with its title, row header, rows and columns, totals marked', async () => {
    await setup();
    await showNetwork();
    expect(document.querySelectorAll('table[data-table-id]')).toHaveLength(5);
    expect(screen.getByRole('heading', { name: 'Dossiers naar gemeente' })).toBeTruthy();
    const t = table('cases_by_municipality');
    const head = within(t).getAllByRole('columnheader').map((th) => th.textContent);
    expect(head).toEqual(['Gemeente', 'Nieuw', 'Lopend van eerder', 'Actief (totaal)']);
    const rows = within(t).getAllByRole('row');
    expect(rows).toHaveLength(7); // header, 5 municipalities, total
    const total = rows[rows.length - 1];
    expect(total.classList.contains('total')).toBe(true);
    expect([...total.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['59', '129', '188']);
    expect(within(t).getByRole('columnheader', { name: 'Actief (totaal)' }).classList.contains('total')).toBe(true);
    expect(screen.getByText('Doel (werkdagen): 5')).toBeTruthy();
  });

  it('shows a hidden figure as x with the reason as a tooltip, and – where nothing applies', async () => {
    await setup();
    await showNetwork();
    const jette = within(table('cases_by_municipality')).getByRole('row', { name: /Jette/ });
    const [small, protecting, shown] = [...jette.querySelectorAll('td')];
    expect(small.textContent).toBe('x');
    expect(small.getAttribute('title')).toBe(m.hiddenPrimary.replace('{threshold}', '5'));
    expect(protecting.textContent).toBe('x');
    expect(protecting.getAttribute('title')).toBe(m.hiddenSecondary);
    expect(shown.textContent).toBe('15');
    const times = table('referral_times');
    const base = times.querySelector('td[data-hidden="small_base"]');
    expect(base?.textContent).toBe('x');
    expect(base?.getAttribute('title')).toBe(m.hiddenSmallBase.replace('{threshold}', '5'));
    expect(times.querySelector('td.empty')?.textContent).toBe('–');
    // A table with sensitive rows names both thresholds.
    const rights = table('rights').querySelector('td[data-hidden="primary"]');
    expect(rights?.getAttribute('title')).toBe(m.hiddenPrimarySensitive.replace('{threshold}', '5').replace('{sensitive}', '10'));
    // Every hidden cell says why; none shows a number.
    for (const td of document.querySelectorAll('td.x')) {
      expect(td.textContent).toBe('x');
      expect(td.getAttribute('title')).toBeTruthy();
    }
    // 6 small counts, 7 protecting ones, 1 median over too few referrals.
    expect(document.getElementById('stats-summary')?.textContent).toMatch(/^\s*14 cijfers verborgen: 6 .*, 7 .*, 1 /);
    expect(document.getElementById('stats-meta')?.textContent).toContain('25/11/2026');
    expect(document.getElementById('stats-legend')?.textContent).toMatch(/^x = vertrouwelijk/);
  });

  it('writes working days plain and the share within target as a percentage with a decimal comma', async () => {
    await setup();
    await showNetwork();
    const warmRow = () => within(table('referral_times')).getAllByRole('row')[1];
    const warm = warmRow();
    expect(warm.querySelector('th')?.textContent).toBe('Warm');
    expect([...warm.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['3', '9', '6', '81,6\u00a0%']);
    setLang('en');
    await waitFor(() => expect(warmRow().textContent).toContain('81.6%'));
  });

  it('asks the core again in the new language when the language changes', async () => {
    const { monthly } = await setup();
    await showNetwork();
    setLang('fr');
    await waitFor(() => expect(monthly).toHaveBeenLastCalledWith(expect.objectContaining({ lang: 'fr', scope: 'network' })));
  });

  it('exports what was shown and says under which name it was saved; nothing on cancel', async () => {
    const { exporter } = await setup();
    await showNetwork();
    await fireEvent.click(screen.getByRole('button', { name: m.json }));
    const saved = await screen.findByRole('status');
    expect(saved.id).toBe('export-saved');
    expect(saved.textContent).toBe('Opgeslagen als schakel-statistieken-2026-10-netwerk.json');
    expect(exporter).toHaveBeenLastCalledWith(
      { month: '2026-10', scope: 'network', threshold: 5, sensitiveThreshold: null, lang: 'nl' },
      { format: 'json', belgianCsv: true },
    );

    await fireEvent.click(screen.getByLabelText(m.belgianCsv));
    await fireEvent.click(screen.getByRole('button', { name: m.csv }));
    await waitFor(() => expect(exporter).toHaveBeenLastCalledWith(expect.anything(), { format: 'csv', belgianCsv: false }));

    exporter.mockResolvedValueOnce(null);
    await fireEvent.click(screen.getByRole('button', { name: m.xlsx }));
    await waitFor(() => expect(exporter).toHaveBeenCalledTimes(3));
    await waitFor(() => expect(document.getElementById('export-saved')).toBeNull());
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks to show again before exporting once the choices changed', async () => {
    await setup();
    await showNetwork();
    await fireEvent.input(screen.getByLabelText(m.threshold), { target: { value: '10' } });
    expect(await screen.findByText(m.stale)).toBeTruthy();
    expect((document.getElementById('export-html') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the core refusing a threshold of 1 as a translated validation error', async () => {
    const { monthly } = await setup();
    await fireEvent.input(screen.getByLabelText(m.threshold), { target: { value: '1' } });
    await fireEvent.click(screen.getByRole('button', { name: m.show }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(nl.errors.validation);
    expect(alert.textContent).toContain(nl.errors.field.replace('{field}', nl.fields.threshold));
    expect(monthly).toHaveBeenCalledWith(expect.objectContaining({ threshold: 1 }));
    expect(document.querySelector('table[data-table-id]')).toBeNull();
    expect(screen.getByLabelText(m.threshold).getAttribute('aria-invalid')).toBe('true');
  });

  it('an export error is shown beside the export buttons', async () => {
    const { exporter } = await setup();
    await showNetwork();
    exporter.mockRejectedValueOnce({ kind: 'io', message: 'disk full', problems: [] });
    await fireEvent.click(screen.getByRole('button', { name: m.html }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(nl.errors.io);
    expect(alert.closest('section')?.getAttribute('aria-labelledby')).toBe('stats-export-title');
  });
});
