// A demo store, as `cargo xtask run` makes it with the CLI: the app opens it on the unlock
// screen, says on every screen that the data is fictitious, and shows a realistic day.
// These screenshots are the ones in the README.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { By, t, withApp } from './lib/app.mjs';
import { DEMO_PASSPHRASE as PASSPHRASE, demoStore, unlock } from './lib/flows.mjs';

test('a demo store says it is one and shows a realistic day', { timeout: 120_000 }, async (tc) => {
  const store = demoStore();
  await withApp(
    tc,
    async (app, step) => {
      await step('it opens on the unlock screen', async () => {
        await unlock(app, PASSPHRASE);
      });

      await step('every screen says the data is fictitious', async () => {
        const banner = await app.byId('demo-banner');
        assert.ok((await banner.getText()).includes(t('session.demo')));
        await app.waitForText(t('today.followUps'));
        await app.visible(By.css('.today li button'));
        await app.screenshot('demo-today');
        await app.click('nav-cases');
        await app.byId('demo-banner');
        await app.visible(By.css('#case-list li'));
        await app.screenshot('demo-cases');
      });

      await step('a case with referrals, rights and a timeline', async () => {
        await app.select('case-domain', 'housing');
        await app.select('case-status', 'open');
        await (await app.visible(By.css('#case-list li'))).click();
        await app.byId('case-code');
        await app.visible(By.css('#timeline li'));
        await app.screenshot('demo-case');
      });

      await step('the coordinator dashboard over the last year', async () => {
        await app.click('nav-dashboard');
        await app.waitForHeading(t('dashboard.title'));
        await app.visible(By.css('#flow-matrix td'));
        const sent = Number(await (await app.visible(By.css('#kpi-sent .value'))).getText());
        assert.ok(sent > 100, `a year of the demo network has referrals: ${sent}`);
        await app.screenshot('demo-dashboard');
        await app.driver.executeScript('window.scrollTo(0, document.body.scrollHeight)');
        await app.screenshot('demo-dashboard-lower');
      });
    },
    { store },
  );
});
