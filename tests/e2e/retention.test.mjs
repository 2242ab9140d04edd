// An administrator sets a retention period in Settings → Bewaartermijn on a demo store
// (two years of cases up to today), previews the closed cases past it (codes with their
// closing dates in dd/mm/yyyy), purges them after the confirmation step, and the CLI
// afterwards finds exactly those cases gone, the rest kept and one audit entry.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { By, t, withApp } from './lib/app.mjs';
import { CLI, DEMO_PASSPHRASE, demoStore, unlock } from './lib/flows.mjs';

/** The preview as the page shows it: count line and every listed row. */
const READ_PREVIEW = `
  const list = document.getElementById('retention-list');
  return {
    text: list.textContent,
    rows: Array.from(list.querySelectorAll('tbody tr'), (tr) => Array.from(tr.cells, (td) => td.textContent.trim())),
  };
`;

test('an administrator previews and purges the closed cases past the retention period', { timeout: 240_000 }, async (tc) => {
  const store = demoStore({ cases: 300, seed: 5 });
  const cli = (...args) =>
    spawnSync(CLI, ['--store', store, ...args], { env: { ...process.env, SCHAKEL_PASSPHRASE: DEMO_PASSPHRASE } });
  const json = (...args) => JSON.parse(execFileSync(CLI, ['--store', store, '--json', ...args], {
    env: { ...process.env, SCHAKEL_PASSPHRASE: DEMO_PASSPHRASE },
  }).toString());
  const before = json('cases', 'count').count;
  let shown;
  try {
    await withApp(
      tc,
      async (app, step) => {
        await step('Settings has no retention period yet', async () => {
          await unlock(app, DEMO_PASSPHRASE);
          await app.click('settings-open');
          await app.byId('retention-title');
          assert.equal(await (await app.byId('retention-current')).getText(), t('retention.explainOff'));
        });

        await step('a period out of range is refused by the core, in words', async () => {
          await app.type('retention-months', '6');
          await app.click('retention-save');
          await app.waitForText(t('errors.field').replace('{field}', t('fields.retention_months')));
        });

        await step('twelve months are saved and today’s cut-off is shown', async () => {
          await app.type('retention-months', '12');
          await app.click('retention-save');
          await app.waitForText(t('retention.saved'));
          const cutoff = await (await app.byId('retention-cutoff')).getText();
          assert.match(cutoff, /\d{2}\/\d{2}\/\d{4}/, cutoff);
        });

        await step('the preview lists the old closed cases with their closing dates', async () => {
          await app.click('retention-preview');
          await app.byId('retention-list');
          await app.driver.wait(async () => (await app.driver.findElements(By.css('#retention-list tbody tr'))).length > 0, 20_000);
          shown = await app.driver.executeScript(READ_PREVIEW);
          assert.ok(shown.rows.length > 0, shown.text);
          for (const [code, closed] of shown.rows) {
            assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/, code);
            assert.match(closed, /^\d{2}\/\d{2}\/\d{4}$/, closed);
          }
          await app.driver.executeScript("document.getElementById('retention-list').scrollIntoView()");
          await app.screenshot('retention-preview');
        });

        await step('the purge asks first, then purges', async () => {
          await app.click('retention-purge');
          await app.waitForText(t('retention.confirmTitle'));
          await app.driver.executeScript("document.getElementById('retention-confirm').scrollIntoView({ block: 'end' })");
          await app.screenshot('retention-confirm');
          await app.click('retention-confirm');
          await app.byId('retention-done');
          await app.waitForNoText(t('retention.confirmTitle'));
        });
      },
      { store },
    );

    // The app is closed: the CLI may open the store.
    const count = Number(/(\d+)/.exec(shown.text)?.[1]);
    assert.ok(count >= shown.rows.length, shown.text);
    assert.equal(json('cases', 'count').count, before - count);
    for (const [code] of shown.rows.slice(0, 5)) {
      assert.equal(cli('cases', 'show', code).status, 9, `${code} is gone`);
    }
    assert.equal(json('retention', 'preview').cases.length, 0);
    const purge = json('audit', 'list', '--limit', '100').find((e) => e.action === 'retention.purge');
    assert.ok(purge, 'audited');
    assert.equal(JSON.parse(purge.detail).counts.cases, count);
    for (const [code] of shown.rows) assert.equal(purge.detail.includes(code), false);
    assert.equal(cli('audit', 'verify').status, 0);
  } finally {
    rmSync(path.dirname(store), { recursive: true, force: true });
  }
});
