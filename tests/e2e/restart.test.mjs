// A store outlives the app: started again on it, the app asks to unlock, not to set up.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { t, withApp } from './lib/app.mjs';
import { firstRun, unlock } from './lib/flows.mjs';

test('a restarted app opens the existing store on the unlock screen', { timeout: 120_000 }, async (tc) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'schakel-e2e-store-'));
  tc.after(() => rm(dir, { recursive: true, force: true }));
  const store = path.join(dir, 'schakel.db');

  await withApp(tc, async (app, step) => {
    await step('set up a new store', () => firstRun(app));
  }, { store });

  await withApp(tc, async (app, step) => {
    await step('the second start shows the unlock screen', () => app.waitForHeading(t('unlock.title')));
    await step('the passphrase opens today', () => unlock(app));
  }, { store });
});
