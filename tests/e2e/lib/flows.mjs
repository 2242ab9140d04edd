// Steps that many scenarios share, built on the helpers in app.mjs.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { By, ROOT, t } from './app.mjs';

/** A passphrase the core accepts (long, several unrelated words). Test stores only. */
export const PASSPHRASE = 'groene fiets onder de kanaalbrug';

/** The `schakel` CLI (`cargo xtask e2e` builds it and says where). */
export const CLI = process.env.SCHAKEL_CLI ?? path.join(ROOT, 'target', 'debug', 'schakel');
/** The demo stores' passphrase, as `cargo xtask run` makes them (demo only). */
export const DEMO_PASSPHRASE = 'demo schakel brussel 2026';

/**
 * A demo store made with the CLI, as `cargo xtask run` makes it: OCMW Jette and its
 * network, `cases` synthetic cases over the two years up to today. Returns its path.
 */
export function demoStore({ cases = 400, seed = 1 } = {}) {
  const store = path.join(mkdtempSync(path.join(os.tmpdir(), 'schakel-demo-')), 'demo.db');
  const cli = (...args) =>
    execFileSync(CLI, ['--store', store, ...args], {
      env: { ...process.env, SCHAKEL_PASSPHRASE: DEMO_PASSPHRASE },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  cli('init', '--partner-kind', 'ocmw', '--partner-name', 'OCMW Jette', '--worker', 'Demo medewerker');
  cli('demo', '--cases', String(cases), '--seed', String(seed));
  return store;
}

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
