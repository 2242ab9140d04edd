// The administrator's screens in the real app: the admin backs up, adds a caseworker in
// Beheer, verifies the audit log (intact) and locks; the caseworker unlocks with her own
// passphrase and is offered only the caseworker screens, and changes that first passphrase
// in Settings (where she sees nothing else): the old one is refused, the new one opens;
// "Wachtzin vergeten?" with the
// recovery key sets a new passphrase that unlocks (the old one no longer does); finally
// the backup made before the caseworker existed is restored from Settings
// (SCHAKEL_RESTORE_FILE stands in for the open dialog), the app is locked, and the
// passphrase of then opens a store without her.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { By, t, withApp } from './lib/app.mjs';
import { PASSPHRASE, firstRun, unlock } from './lib/flows.mjs';

const CASEWORKER = 'Lies Janssens';
const CASEWORKER_PASS = 'rode tram naar het zuidstation';
const CASEWORKER_OWN_PASS = 'zeven meeuwen boven de oude haven';
const NEW_PASS = 'blauwe paraplu in de regen vandaag';

/** The text before the first `{placeholder}` of a message. */
const lead = (key) => t(key).split('{')[0];

test('Beheer: users, audit log, a caseworker unlocks, recovery key, restore', { timeout: 300_000 }, async (tc) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schakel-admin-'));
  const exportDir = path.join(dir, 'exports');
  const restoreFile = path.join(dir, 'restore.schakelbackup');
  mkdirSync(exportDir);
  try {
    await withApp(
      tc,
      async (app, step) => {
        let recoveryKey = '';
        await step('the admin creates the store and makes a backup', async () => {
          recoveryKey = await firstRun(app, { partner: 'OCMW Jette', worker: 'Sam Peeters' });
          assert.match(recoveryKey, /^[A-Z0-9]{4}(-[A-Z0-9]{4}){7}$/, recoveryKey);
          await app.click('backup-reminder-create');
          await app.waitForText(lead('backup.saved'));
          const [file] = readdirSync(exportDir);
          copyFileSync(path.join(exportDir, file), restoreFile);
        });

        await step('Beheer lists the admin and adds a caseworker with her own passphrase', async () => {
          await app.click('nav-admin');
          await app.waitForHeading(t('admin.title'));
          const me = await app.visible(By.css('tr[data-user="Sam Peeters"]'));
          assert.match(await me.getText(), new RegExp(t('admin.role.admin')));
          await app.type('user-name', CASEWORKER);
          // Caseworker is ticked for a new user; nothing else.
          const ticked = await app.driver.executeScript(
            "return Array.from(document.querySelectorAll('input[name=new-role]:checked'), (b) => b.value);",
          );
          assert.deepEqual(ticked, ['caseworker']);
          await app.type('user-pass', 'te kort');
          await app.waitForText(t('firstRun.strength').replace('{level}', t('strength.weak')));
          await app.type('user-pass', CASEWORKER_PASS);
          await app.type('user-repeat', CASEWORKER_PASS);
          await app.click('user-add');
          await app.waitForText(t('admin.users.added').replace('{name}', CASEWORKER));
          const row = await app.visible(By.css(`tr[data-user="${CASEWORKER}"]`));
          const text = await row.getText();
          assert.match(text, new RegExp(t('admin.role.caseworker')));
          assert.doesNotMatch(text, new RegExp(t('admin.role.admin')));
          await app.screenshot('admin-users');
        });

        await step('the remove confirmation says what happens (and is cancelled)', async () => {
          const row = await app.visible(By.css(`tr[data-user="${CASEWORKER}"]`));
          await (await row.findElement(By.xpath(`.//button[normalize-space()="${t('admin.users.remove')}"]`))).click();
          await app.waitForText(t('admin.users.removeRotate'));
          await app.screenshot('admin-remove-confirm');
          await app.clickButton(t('admin.users.cancel'));
          await app.waitForNoText(t('admin.users.removeRotate'));
        });

        await step('the audit log verifies intact and lists the new user', async () => {
          await app.click('admin-tab-audit');
          await app.click('audit-verify');
          await app.waitForText(lead('admin.audit.intact'));
          const result = await (await app.byId('audit-result')).getText();
          assert.match(result, /\d+/);
          await app.waitForText(t('admin.action.user_add'));
          const first = await app.visible(By.css('#audit-table tbody tr'));
          assert.match(await first.getText(), /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
          await app.screenshot('admin-audit-all');
          await app.select('audit-filter', 'user.add');
          await app.driver.wait(
            async () =>
              (await app.driver.executeScript(
                "return Array.from(document.querySelectorAll('#audit-table tbody tr'), (r) => r.dataset.action);",
              )).every((a) => a === 'user.add'),
            20_000,
            'the filter shows only user.add',
          );
          await app.screenshot('admin-audit');
        });

        await step('the caseworker unlocks with her passphrase and sees only caseworker screens', async () => {
          await app.click('lock');
          await unlock(app, CASEWORKER_PASS);
          await app.waitForText(CASEWORKER);
          for (const id of ['nav-today', 'nav-cases', 'nav-intake']) await app.byId(id);
          const absent = await app.driver.executeScript(
            "return ['nav-admin', 'nav-dashboard', 'nav-statistics'].filter((id) => document.getElementById(id));",
          );
          assert.deepEqual(absent, []);
          await app.screenshot('admin-caseworker-home');
        });

        await step('she changes her first passphrase in Settings; the old one is refused, the new one opens', async () => {
          await app.click('settings-open');
          await app.visible(By.css('#passphrase-title'));
          // Settings holds, for a caseworker, only her own passphrase.
          const sections = await app.driver.executeScript(
            "return Array.from(document.querySelectorAll('dialog h3'), (h) => h.textContent.trim());",
          );
          assert.deepEqual(sections, [t('passphraseChange.title')]);
          assert.equal((await app.driver.findElements(By.id('settings-autolock'))).length, 0);
          await app.type('passphrase-new-pass', 'te kort');
          await app.waitForText(t('firstRun.strength').replace('{level}', t('strength.weak')));
          await app.type('passphrase-new-pass', CASEWORKER_OWN_PASS);
          await app.type('passphrase-new-repeat', CASEWORKER_OWN_PASS);
          await app.type('passphrase-current', 'niet mijn wachtzin van vroeger');
          await app.click('passphrase-submit');
          await app.waitForText(t('passphraseChange.wrongCurrent'));
          await app.screenshot('settings-passphrase-wrong');
          await app.type('passphrase-current', CASEWORKER_PASS);
          await app.click('passphrase-submit');
          await app.waitForText(t('passphraseChange.done'));
          await app.waitForNoText(t('passphraseChange.wrongCurrent'));
          const values = await app.driver.executeScript(
            "return ['passphrase-current', 'passphrase-new-pass', 'passphrase-new-repeat'].map((id) => document.getElementById(id).value);",
          );
          assert.deepEqual(values, ['', '', '']);
          await app.screenshot('settings-passphrase');
          await app.click('settings-close');
          await app.click('lock');
          await app.waitForHeading(t('unlock.title'));
          await app.type('unlock-passphrase', CASEWORKER_PASS);
          await app.clickButton(t('unlock.submit'));
          await app.waitForText(t('errors.wrong_passphrase'));
          await unlock(app, CASEWORKER_OWN_PASS);
          await app.waitForText(CASEWORKER);
          await app.click('lock');
        });

        await step('the recovery key sets a new passphrase for the admin', async () => {
          await app.waitForHeading(t('unlock.title'));
          await app.click('unlock-forgot');
          await app.waitForHeading(t('recover.title'));
          await app.type('recover-key', 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH');
          await app.type('recover-pass', NEW_PASS);
          await app.type('recover-repeat', NEW_PASS);
          await app.click('recover-submit');
          await app.waitForText(t('recover.wrongKey'));
          await app.type('recover-key', recoveryKey);
          await app.screenshot('admin-recover');
          await app.click('recover-submit');
          await app.waitForHeading(t('today.title'));
          await app.waitForText('Sam Peeters');
          await app.click('lock');
          await app.type('unlock-passphrase', PASSPHRASE);
          await app.clickButton(t('unlock.submit'));
          await app.waitForText(t('errors.wrong_passphrase'));
          await unlock(app, NEW_PASS);
        });

        await step('restoring the earlier backup locks the app; the passphrase of then opens it without her', async () => {
          await app.click('settings-open');
          await app.click('restore-start');
          await app.waitForText(t('restore.warning'));
          await app.type('restore-passphrase', PASSPHRASE);
          await app.screenshot('admin-restore-confirm');
          await app.click('restore-confirm');
          await app.waitForHeading(t('unlock.title'));
          const notice = await (await app.byId('restored-notice')).getText();
          assert.match(notice, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
          await app.screenshot('admin-restored');
          await unlock(app, PASSPHRASE);
          await app.click('nav-admin');
          await app.visible(By.css('tr[data-user="Sam Peeters"]'));
          const rows = await app.driver.findElements(By.css(`tr[data-user="${CASEWORKER}"]`));
          assert.equal(rows.length, 0, 'the caseworker was added after the backup');
        });
      },
      { env: { SCHAKEL_EXPORT_DIR: exportDir, SCHAKEL_RESTORE_FILE: restoreFile } },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
