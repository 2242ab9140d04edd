// Auto-lock: after the idle time the shell drops the keys and the UI shows the unlock
// screen with the reason. The idle time is shortened to seconds for the test
// (SCHAKEL_AUTO_LOCK_SECONDS, honoured in test mode only).

import { test } from 'node:test';
import { t, withApp } from './lib/app.mjs';
import { firstRun, unlock } from './lib/flows.mjs';

test('the app locks itself after the idle time', { timeout: 90_000 }, async (tc) => {
  await withApp(
    tc,
    async (app, step) => {
      await step('create a store', async () => {
        await firstRun(app, { kind: 'dmw', partner: 'DMW Brussel', worker: 'Jo' });
      });

      await step('left alone, it shows the unlock screen and says why', async () => {
        await app.waitForHeading(t('unlock.title'), 20_000);
        await app.byId('auto-locked');
        await app.screenshot('auto-locked');
      });

      await step('the passphrase opens it again', async () => {
        await unlock(app);
      });
    },
    { env: { SCHAKEL_AUTO_LOCK_SECONDS: '4' } },
  );
});
