// A caseworker's first day: set up Schakel, keep the recovery key, look at today's work,
// switch language, lock and unlock (a wrong passphrase first).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { By, t, withApp } from './lib/app.mjs';

const PASSPHRASE = 'groene fiets onder de kanaalbrug';

test('first run, recovery key, today, language, lock and unlock', { timeout: 120_000 }, async (tc) => {
  await withApp(tc, async (app, step) => {
    await step('a new store starts on the first-run screen', async () => {
      await app.waitForHeading(t('firstRun.title'));
      await app.select('fr-kind', 'caw');
      await app.type('fr-partner', 'CAW Brussel – onthaal Noord');
      await app.type('fr-worker', 'Sam Peeters');
      await app.type('fr-pass', PASSPHRASE);
      await app.type('fr-repeat', PASSPHRASE);
      await app.screenshot('first-run');
      await app.clickButton(t('firstRun.submit'));
    });

    await step('the recovery key is shown once', async () => {
      await app.waitForHeading(t('recovery.title'));
      const key = await (await app.visible(By.css('output.key'))).getText();
      assert.match(key.trim(), /\S{16,}/, 'a recovery key is shown');
      await app.screenshot('recovery-key');
      await app.clickButton(t('recovery.confirm'));
    });

    await step('today is the main screen', async () => {
      await app.waitForHeading(t('today.title'));
      await app.waitForText(t('today.followUps'));
      await app.waitForNoText(t('recovery.title'));
      await app.screenshot('today');
    });

    await step('the language switches to French and back to Dutch', async () => {
      await app.select('language-switch', 'fr');
      await app.waitForHeading(t('today.title', 'fr'));
      await app.button(t('header.lock', 'fr'));
      await app.screenshot('today-fr');
      await app.select('language-switch', 'nl');
      await app.waitForHeading(t('today.title'));
      await app.button(t('header.lock'));
    });

    await step('locking shows the unlock screen', async () => {
      await app.clickButton(t('header.lock'));
      await app.waitForHeading(t('unlock.title'));
      await app.screenshot('unlock');
    });

    await step('a wrong passphrase is refused', async () => {
      await app.type('unlock-passphrase', 'rode fiets boven de kanaalbrug');
      await app.clickButton(t('unlock.submit'));
      await app.waitForText(t('errors.wrong_passphrase'));
      await app.waitForHeading(t('unlock.title'));
      await app.screenshot('unlock-wrong-passphrase');
    });

    await step('the right passphrase opens today again', async () => {
      await app.type('unlock-passphrase', PASSPHRASE);
      await app.clickButton(t('unlock.submit'));
      await app.waitForHeading(t('today.title'));
      await app.waitForNoText(t('errors.wrong_passphrase'));
    });
  });
});
