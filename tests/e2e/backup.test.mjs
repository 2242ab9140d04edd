// A new store reminds its worker to make a backup; the banner on Today makes one through
// the shell (SCHAKEL_EXPORT_DIR stands in for the save dialog, honoured in test mode),
// the reminder goes, Settings shows when, and the file is encrypted and checks out with
// the CLI.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { t, withApp } from './lib/app.mjs';
import { CLI, PASSPHRASE, firstRun } from './lib/flows.mjs';

test('a backup from the reminder on Today, shown in Settings, checked by the CLI', { timeout: 120_000 }, async (tc) => {
  const exportDir = mkdtempSync(path.join(os.tmpdir(), 'schakel-backup-'));
  try {
    await withApp(
      tc,
      async (app, step) => {
        await step('a new store was never backed up: Today says so', async () => {
          await firstRun(app, { partner: 'OCMW Jette', worker: 'Sam Peeters' });
          await app.waitForText(t('backup.reminderTitle'));
          await app.waitForText(t('backup.reminderNever'));
          await app.screenshot('backup-reminder');
        });

        await step('the banner makes a backup; the reminder goes', async () => {
          await app.click('backup-reminder-create');
          await app.waitForText(t('backup.saved').split('{file}')[0]);
          await app.waitForNoText(t('backup.reminderTitle'));
          const files = readdirSync(exportDir);
          assert.equal(files.length, 1, `one file: ${files}`);
          assert.match(files[0], /^schakel-backup-\d{4}-\d{2}-\d{2}-\d{4}\.schakelbackup$/);
          await app.waitForText(files[0]);
        });

        await step('Settings shows the last backup in the Belgian format', async () => {
          await app.click('settings-open');
          await app.waitForText(t('backup.title'));
          const last = await (await app.byId('backup-last')).getText();
          assert.match(last, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/, last);
          await app.screenshot('backup-settings');
        });
      },
      { env: { SCHAKEL_EXPORT_DIR: exportDir } },
    );

    const [name] = readdirSync(exportDir);
    const file = path.join(exportDir, name);
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(1, 12).toString('latin1'), 'SCHAKEL-BAK');
    for (const needle of ['SQLite format 3', 'OCMW Jette', 'Sam Peeters', PASSPHRASE]) {
      assert.equal(bytes.includes(Buffer.from(needle)), false, `${needle} in the backup`);
    }
    const out = execFileSync(CLI, ['--json', 'backup', 'verify', file], {
      env: { ...process.env, SCHAKEL_PASSPHRASE: PASSPHRASE },
    });
    const info = JSON.parse(out.toString());
    assert.equal(info.audit_intact, true);
  } finally {
    rmSync(exportDir, { recursive: true, force: true });
  }
});
