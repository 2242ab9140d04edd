// An exporter's month on a demo store: the Statistieken screen shows last month of the
// whole network with small counts hidden (and, in the preview only, why), refuses a
// threshold that protects nothing, speaks French when asked, and saves the month as JSON
// and XLSX. SCHAKEL_EXPORT_DIR (honoured in test mode) stands in for the save dialog, so
// the test can open the files the shell wrote.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { By, t, withApp } from './lib/app.mjs';
import { DEMO_PASSPHRASE, demoStore, unlock } from './lib/flows.mjs';

/** What the preview shows, read in the page in one go. */
const READ_TABLES = `
  return Array.from(document.querySelectorAll('table[data-table-id]'), (table) => ({
    id: table.dataset.tableId,
    unit: table.dataset.unit,
    threshold: Number(table.dataset.threshold),
    numbers: Array.from(table.querySelectorAll('td.n:not(.pct)'), (td) => td.textContent.trim()),
    percents: Array.from(table.querySelectorAll('td.pct'), (td) => td.textContent.trim()),
    hidden: Array.from(table.querySelectorAll('td.x'), (td) => ({ text: td.textContent.trim(), title: td.title })),
  }));
`;

/** `2026-11-25` → `2026-10`. */
function previousMonth(date = new Date()) {
  const d = new Date(date.getFullYear(), date.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

test('an exporter previews last month of the network and saves it as JSON and XLSX', { timeout: 180_000 }, async (tc) => {
  const store = demoStore({ cases: 2000 });
  const exportDir = mkdtempSync(path.join(os.tmpdir(), 'schakel-export-'));
  const month = previousMonth();
  try {
    await withApp(
      tc,
      async (app, step) => {
        await step('it opens on the unlock screen', async () => {
          await unlock(app, DEMO_PASSPHRASE);
        });

        await step('Statistieken starts on last month with threshold 5', async () => {
          await app.click('nav-statistics');
          await app.waitForHeading(t('stats.title'));
          assert.equal(await (await app.byId('stats-month')).getAttribute('value'), month);
          assert.equal(await (await app.byId('stats-threshold')).getAttribute('value'), '5');
          await app.waitForText(t('stats.start'));
        });

        await step('a threshold of 1 is refused by the core, in words', async () => {
          await app.type('stats-threshold', '1');
          await app.click('stats-show');
          await app.waitForText(t('errors.validation'));
          await app.waitForText(t('errors.field').replace('{field}', t('fields.threshold')));
          assert.equal(await app.driver.findElements(By.css('table[data-table-id]')).then((l) => l.length), 0);
          await app.type('stats-threshold', '5');
        });

        await step('the whole network: tables with small counts hidden', async () => {
          await app.select('stats-scope', 'network');
          await app.click('stats-show');
          await app.visible(By.css('table[data-table-id="cases_by_municipality"] td'));
          await app.waitForNoText(t('errors.validation'));
          const tables = await app.driver.executeScript(READ_TABLES);
          const ids = tables.map((x) => x.id);
          for (const id of ['cases_by_municipality', 'cases_by_life_domain', 'referrals_outcome', 'referral_times', 'rights']) {
            assert.ok(ids.includes(id), `table ${id} shown (${ids})`);
          }
          const hidden = tables.flatMap((x) => x.hidden);
          assert.ok(hidden.length > 0, 'a month of a network has small counts to hide');
          const reasons = [t('stats.hiddenSecondary'), ...['hiddenPrimary', 'hiddenPrimarySensitive', 'hiddenSmallBase'].map((k) => t(`stats.${k}`).split('{')[0])];
          for (const cell of hidden) {
            assert.equal(cell.text, 'x');
            assert.ok(reasons.some((r) => cell.title.startsWith(r)), `a hidden figure says why: "${cell.title}"`);
          }
          const counts = tables.filter((x) => x.unit === 'count');
          assert.ok(counts.flatMap((x) => x.numbers).some((n) => Number(n) >= 5), 'some counts are shown');
          for (const table of counts) {
            for (const text of table.numbers) {
              assert.match(text, /^\d+$/, `a count in ${table.id}`);
              const n = Number(text);
              assert.ok(n === 0 || n >= 5, `${table.id} shows the small count ${n}`);
            }
          }
          // The share within target as a percentage with a decimal comma; days whole.
          const times = tables.find((x) => x.id === 'referral_times');
          assert.ok(times.percents.length > 0, 'the share within target is shown for the network');
          for (const text of times.percents) assert.match(text, /^\d{1,3},\d\u00a0%$/);
          for (const text of times.numbers) assert.match(text, /^\d+$/);
          const summary = await (await app.byId('stats-summary')).getText();
          assert.ok(summary.includes(String(hidden.length)), `the summary counts ${hidden.length} hidden figures: ${summary}`);
          const meta = await (await app.byId('stats-meta')).getText();
          assert.ok(meta.includes(month), meta);
          await app.screenshot('statistics');
          // Lower down: the referral tables, the flow between partners the widest.
          await app.driver.executeScript(
            "document.querySelector('table[data-table-id=\"referrals_flow\"]').closest('section').scrollIntoView()",
          );
          await app.screenshot('statistics-referrals');
          await app.driver.executeScript('window.scrollTo(0, 0)');
          const type = await (await app.byId('stats-month')).getAttribute('type');
          console.log(`statistics ${month}: ${tables.length} tables, ${hidden.length} hidden figures; month field type=${type}`);
        });

        await step('the tables follow the language, from the core', async () => {
          await app.select('language-switch', 'fr');
          await app.waitForHeading(t('stats.title', 'fr'));
          await app.waitForText('Dossiers par commune');
          await app.screenshot('statistics-fr');
          await app.select('language-switch', 'nl');
          await app.waitForText('Dossiers naar gemeente');
        });

        await step('JSON: the tables without a small count or a reason', async () => {
          await app.click('export-json');
          const name = `schakel-statistieken-${month}-netwerk.json`;
          await app.waitForText(t('stats.saved').replace('{name}', name));
          const file = path.join(exportDir, name);
          assert.ok(existsSync(file), `${file} written`);
          const text = readFileSync(file, 'utf8');
          const doc = JSON.parse(text);
          assert.equal(doc.month, month);
          assert.equal(doc.scope, 'network');
          assert.equal(doc.threshold, 5);
          assert.ok(doc.tables.length >= 5, `${doc.tables.length} tables`);
          let hidden = 0;
          for (const table of doc.tables) {
            for (const row of table.cells) {
              for (const cell of row) {
                if (cell.hidden) {
                  hidden += 1;
                  assert.equal(cell.value, null, `a hidden figure in ${table.id} carries no value`);
                } else if (table.unit === 'count' && cell.value !== null) {
                  assert.ok(cell.value === 0 || cell.value >= doc.threshold, `${table.id} holds the small count ${cell.value}`);
                }
              }
            }
          }
          assert.ok(hidden > 0, 'hidden figures are marked');
          for (const reason of ['primary', 'secondary', 'small_base']) {
            assert.ok(!text.includes(`"${reason}"`), `the file does not say why a figure is hidden (${reason})`);
          }
        });

        await step('XLSX: a workbook in the same place', async () => {
          await app.click('export-xlsx');
          const name = `schakel-statistieken-${month}-netwerk.xlsx`;
          await app.waitForText(t('stats.saved').replace('{name}', name));
          const file = path.join(exportDir, name);
          assert.ok(existsSync(file), `${file} written`);
          const bytes = readFileSync(file);
          assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX file is a zip');
          assert.ok(bytes.length > 2_000, `${bytes.length} bytes`);
          assert.deepEqual(readdirSync(exportDir).sort(), [
            `schakel-statistieken-${month}-netwerk.json`,
            name,
          ]);
        });

        await step('the app log names the exports, never a figure', async () => {
          const dirs = readdirSync(app.dir).filter((d) => d.startsWith('schakel-test-'));
          const log = dirs
            .map((d) => path.join(app.dir, d, 'schakel.log'))
            .filter((f) => existsSync(f))
            .map((f) => readFileSync(f, 'utf8'))
            .join('');
          assert.ok(log.includes('statistics exported as json'), 'the JSON export is logged');
          assert.ok(log.includes('statistics exported as xlsx'), 'the XLSX export is logged');
          assert.ok(!log.includes(exportDir), 'the log does not name where the file went');
        });
      },
      { store, env: { SCHAKEL_EXPORT_DIR: exportDir } },
    );
  } finally {
    rmSync(exportDir, { recursive: true, force: true });
    rmSync(path.dirname(store), { recursive: true, force: true });
  }
});
