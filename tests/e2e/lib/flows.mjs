// Steps that many scenarios share, built on the helpers in app.mjs.

import { By, t } from './app.mjs';

/** A passphrase the core accepts (long, several unrelated words). Test stores only. */
export const PASSPHRASE = 'groene fiets onder de kanaalbrug';

/**
 * From the first-run screen to today: creates the store, confirms the recovery key.
 * Returns the recovery key.
 *
 * @param {import('./app.mjs').App} app
 */
export async function firstRun(
  app,
  { kind = 'ocmw', partner = 'OCMW Jette', worker = 'Sam Peeters', passphrase = PASSPHRASE } = {},
) {
  await app.waitForHeading(t('firstRun.title'));
  await app.select('fr-kind', kind);
  await app.type('fr-partner', partner);
  await app.type('fr-worker', worker);
  await app.type('fr-pass', passphrase);
  await app.type('fr-repeat', passphrase);
  await app.clickButton(t('firstRun.submit'));
  await app.waitForHeading(t('recovery.title'));
  const recoveryKey = (await (await app.visible(By.css('output.key'))).getText()).trim();
  await app.clickButton(t('recovery.confirm'));
  await app.waitForHeading(t('today.title'));
  return recoveryKey;
}

/** From the unlock screen to today. */
export async function unlock(app, passphrase = PASSPHRASE) {
  await app.waitForHeading(t('unlock.title'));
  await app.type('unlock-passphrase', passphrase);
  await app.clickButton(t('unlock.submit'));
  await app.waitForHeading(t('today.title'));
}
