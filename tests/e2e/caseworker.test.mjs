// A caseworker's day in the real app: set up, a walk-in opened with the keyboard alone,
// a warm referral with consent to a partner who accepts and meets the person, a right
// checked and granted, a follow-up done; lock, a wrong passphrase, unlock, and all of it
// is still there. Screenshots of each main screen go to target/e2e-screenshots.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { By, Key, t, withApp } from './lib/app.mjs';
import { PASSPHRASE, firstRun } from './lib/flows.mjs';
const CAW = 'CAW Brussel – onthaal Noord';
/** The note typed below; its last word is a canary looked for in every file afterwards. */
const NOTE = 'Belt morgen zelf terug over de zebrakanarie';

/** Every file under `dir`, however deep. */
const filesUnder = (dir) =>
  readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f, { throwIfNoEntry: false })?.isFile());

/** `2026-11-25` → `25/11/2026`: what the app shows. */
const be = (iso) => iso.split('-').reverse().join('/');
const todayIso = () => {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

test('a caseworker: intake, warm referral, right, follow-up, lock and unlock', { timeout: 240_000 }, async (tc) => {
  await withApp(tc, async (app, step) => {
    const d = app.driver;
    const $ = (css) => app.visible(By.css(css));
    let code = '';
    let intakeSeconds = 0;
    let recoveryKey = '';

    await step('first run: create the store and keep the recovery key', async () => {
      recoveryKey = await firstRun(app, { partner: 'OCMW Schaarbeek', worker: 'An Peeters' });
    });

    await step('a partner of the network is added in the settings', async () => {
      await app.click('settings-open');
      await app.type('partner-name', CAW);
      await app.select('partner-kind', 'caw');
      await app.click('partner-add');
      await app.driver.wait(async () => (await (await app.byId('partner-list')).getText()).includes(CAW), 10_000);
      await app.screenshot('settings');
      await app.click('settings-close');
    });

    await step('quick intake with the keyboard alone', async () => {
      const started = Date.now();
      const body = await d.findElement(By.css('body'));
      await body.sendKeys(Key.chord(Key.ALT, 'n'));
      await app.waitForHeading(t('intake.title'));
      const focused = () => d.executeScript('return document.activeElement && document.activeElement.id');
      assert.equal(await focused(), 'intake-municipality', 'the first field has the focus');
      // Type-to-select in each list, Tab to the next; digits tick life domains.
      const keys = async (...k) => (await d.switchTo().activeElement()).sendKeys(...k);
      await keys('Schaar');
      await keys(Key.TAB, 'Eigen');
      await keys(Key.TAB, '35');
      await keys(Key.TAB, 'Eeno');
      await keys(Key.TAB);
      await keys('3', '1');
      await app.screenshot('quick-intake');
      await keys(Key.chord(Key.CONTROL, Key.ENTER));
      await app.driver.wait(async () => (await d.findElements(By.id('case-code'))).length > 0, 20_000, 'no case view after the intake');
      intakeSeconds = (Date.now() - started) / 1000;
      code = await (await app.byId('case-code')).getText();
      assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      const profile = await (await $('section[aria-labelledby="profile-title"]')).getText();
      for (const expected of ['Schaarbeek', 'Eigen initiatief', '35–44 jaar', 'Eenoudergezin', 'Wonen', 'Inkomen']) {
        assert.ok(profile.includes(expected), `profile shows ${expected}: ${profile}`);
      }
      console.log(`quick intake: ${intakeSeconds.toFixed(1)} s from Alt+N to the new case (keyboard only)`);
      assert.ok(intakeSeconds < 30, `quick intake took ${intakeSeconds} s`);
    });

    await step('a warm referral: consent, send, accept, first contact', async () => {
      await app.click('referral-new');
      const partner = await app.byId('referral-partner');
      const options = await partner.findElements(By.css('option'));
      let cawId = null;
      for (const o of options) if ((await o.getText()).includes(CAW)) cawId = await o.getAttribute('value');
      assert.ok(cawId, 'the new partner is offered');
      await app.select('referral-partner', cawId);
      await app.select('referral-domain', 'housing');
      await app.click('referral-mode-warm');
      await app.click('referral-create');
      const card = await $('[data-referral]');
      const id = await card.getAttribute('data-referral');
      const record = async (kind) => {
        await (await $(`[data-referral="${id}"] [data-event="${kind}"]`)).click();
        await app.click('referral-event-confirm');
        await app.driver.wait(
          async () => (await d.findElements(By.css(`[data-referral="${id}"] [data-event="${kind}"]`))).length === 0,
          10_000,
          `${kind} still offered after recording it`,
        );
      };
      // Sending needs consent first: the core offers "sent" only after it.
      assert.equal((await d.findElements(By.css(`[data-referral="${id}"] [data-event="sent"]`))).length, 0);
      await record('consent');
      await record('receiver_contacted');
      await record('sent');
      await record('accepted');
      await record('first_contact');
      const text = await (await $(`[data-referral="${id}"]`)).getText();
      assert.ok(text.includes(t('referralState.first_contact')), `state shown: ${text}`);
      await app.screenshot('case-referral');
    });

    await step('a right checked with type-ahead and moved to granted', async () => {
      await app.type('rights-add-input', 'verhoogde');
      await (await $('[role="option"]')).click();
      await app.click('rights-add');
      const card = await $('[data-right]');
      const id = await card.getAttribute('data-right');
      const step = await $(`[data-right="${id}"] select[name="step"]`);
      await (await step.findElement(By.css('option[value="granted"]'))).click();
      await (await $(`[data-right="${id}"] [data-action="save-step"]`)).click();
      await app.driver.wait(
        async () => (await (await $(`[data-right="${id}"]`)).getText()).includes(be(todayIso())),
        10_000,
        'the granted step is not shown with its date',
      );
    });

    await step('a follow-up added and completed', async () => {
      await app.click('followup-add');
      await app.select('followup-purpose', 'call_back');
      await app.type('followup-due', be(todayIso()));
      await app.click('followup-create');
      const card = await $('[data-followup]');
      const id = await card.getAttribute('data-followup');
      await (await $(`[data-followup="${id}"] [data-action="complete"]`)).click();
      await app.click('followup-action-confirm');
      await app.driver.wait(
        async () => (await d.findElements(By.css(`[data-followup="${id}"] [data-action="complete"]`))).length === 0,
        10_000,
        'the follow-up still offers "complete"',
      );
      await app.screenshot('case-detail');
    });

    await step('a note with a phone number is caught before saving', async () => {
      await app.type('note-body', 'Belt morgen terug op 0470 12 34 56');
      await app.waitForText(t('identifiers.kind.phone'));
      assert.equal(await (await app.byId('note-save')).isEnabled(), false);
      await app.type('note-body', NOTE);
      await app.driver.wait(async () => (await app.byId('note-save')).isEnabled(), 10_000);
      await app.click('note-save');
      await app.waitForText(NOTE);
    });

    await step('a note that seems to name someone is kept only with a reason', async () => {
      const named = 'Mevrouw Janssens van de huurdienst belt de cliënt terug';
      await app.type('note-body', named);
      await app.waitForText(t('identifiers.warn.person_name'));
      assert.equal(await (await app.byId('note-save')).isEnabled(), false, 'no reason yet');
      await app.select('note-check-keep', 'professional_contact');
      await app.driver.wait(async () => (await app.byId('note-save')).isEnabled(), 10_000, 'save after a reason');
      await app.screenshot('note-warning-reason');
      await app.click('note-save');
      await app.waitForText(named);
    });

    await step('the case list finds the case by its code', async () => {
      await app.click('nav-cases');
      await app.type('case-search', code.slice(0, 4));
      await app.waitForText(code);
      await app.screenshot('cases');
    });

    await step('the coordinator view counts the referral', async () => {
      await app.click('nav-dashboard');
      await app.waitForHeading(t('dashboard.title'));
      // One referral, sent, accepted and met today: 1 sent, 100 % accepted, 0 working days.
      await app.driver.wait(async () => (await (await $('#kpi-sent .value')).getText()) === '1', 10_000, 'one referral sent');
      assert.equal(await (await $('#kpi-accepted .value')).getText(), '100 %');
      assert.equal(await (await $('#kpi-median-acceptance .value')).getText(), '0');
      assert.equal(await (await $('#kpi-within-target .value')).getText(), '100 %');
      const cell = await (await $('#flow-matrix')).getText();
      assert.ok(cell.includes(CAW) && cell.includes('OCMW Schaarbeek'), cell);
    });

    await step('lock, a wrong passphrase, then the right one', async () => {
      await app.click('lock');
      await app.waitForHeading(t('unlock.title'));
      await app.type('unlock-passphrase', 'rode fiets boven de kanaalbrug');
      await app.clickButton(t('unlock.submit'));
      await app.waitForText(t('errors.wrong_passphrase'));
      await app.type('unlock-passphrase', PASSPHRASE);
      await app.clickButton(t('unlock.submit'));
      await app.waitForHeading(t('today.title'));
    });

    await step('everything is still there after unlocking', async () => {
      await app.click('nav-cases');
      await app.type('case-search', code);
      const row = await app.visible(By.xpath(`//li[@role="option"][.//*[normalize-space()="${code}"]]`));
      await row.click();
      await app.waitForText(t('referralState.first_contact'));
      const page = await app.text();
      for (const expected of [CAW, 'Belt morgen zelf terug', t('rightStep.granted')]) {
        assert.ok(page.includes(expected), `still shown after unlock: ${expected}`);
      }
    });

    await step('the app log names events, never case content', async () => {
      // In test mode the app logs to <temp dir>/schakel-test-<pid>/schakel.log.
      const dirs = readdirSync(app.dir).filter((d) => d.startsWith('schakel-test-'));
      const log = dirs
        .map((d) => path.join(app.dir, d, 'schakel.log'))
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f, 'utf8'))
        .join('');
      assert.ok(log.includes('store unlocked'), `the app log was found (${dirs})`);
      for (const secret of [code, 'Belt morgen', '0470 12 34 56', PASSPHRASE]) {
        assert.ok(!log.includes(secret), `the log holds ${secret}`);
      }
    });

    await step('no file the app wrote holds what was typed, as UTF-8 or UTF-16LE', async () => {
      // The store (database, WAL and shm while open, key file, lock), the app log and the
      // webview's own data (storage, caches) all live in the test's directory; the
      // harness's tauri-driver.log (WebDriver traffic) is not the app's.
      const files = filesUnder(app.dir).filter((f) => path.basename(f) !== 'tauri-driver.log');
      assert.ok(files.some((f) => f.endsWith('schakel.db-wal')), `the store is open, with its WAL (${files.length} files)`);
      const canaries = [
        NOTE,
        'zebrakanarie',
        CAW,
        'OCMW Schaarbeek',
        'An Peeters',
        PASSPHRASE,
        recoveryKey,
        recoveryKey.replaceAll('-', ''),
      ];
      assert.ok(recoveryKey.length >= 20, 'the recovery key was kept');
      const found = [];
      for (const file of files) {
        const bytes = readFileSync(file);
        for (const canary of canaries) {
          for (const encoding of ['utf8', 'utf16le']) {
            if (bytes.includes(Buffer.from(canary, encoding))) {
              found.push(`${path.relative(app.dir, file)}: ${JSON.stringify(canary)} (${encoding})`);
            }
          }
        }
      }
      assert.deepEqual(found, [], `canaries found:\n  ${found.join('\n  ')}`);
    });

    await step('French labels after switching the language', async () => {
      await app.select('language-switch', 'fr');
      await app.waitForText(t('notes.title', 'fr'));
      await app.waitForText(t('referralState.first_contact', 'fr'));
      await app.screenshot('case-detail-fr');
      await app.select('language-switch', 'nl');
    });
  });
});
