// A warm referral travels OCMW → CAW → back by bundle files, with the CAW in the app.
// Both stores are made with the CLI, with each other's identity card pinned by its words;
// the OCMW (CLI) opens a case, chooses what to share, sends the referral and exports its
// bundle. In the app, on the CAW's store, the worker imports it on the Exchange screen
// (SCHAKEL_OPEN_FILES stands in for the open dialog, honoured in test mode), opens the
// received referral from Today, sees the shared note, accepts it and records the first
// contact, and exports the CAW's bundle (SCHAKEL_EXPORT_DIR stands in for the save
// dialog). The OCMW imports it with the CLI and sees the state and the CAW's dates. On the
// way, the share choice of a draft referral from the CAW to the OCMW.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { By, t, withApp } from './lib/app.mjs';
import { CLI, PASSPHRASE, unlock } from './lib/flows.mjs';

const OCMW = 'OCMW Jette';
const CAW = 'CAW Brussel';
const NOTE = 'Komt liefst in de voormiddag; spreekt vooral Frans.';

const pad = (n) => String(n).padStart(2, '0');
const now = new Date();
/** Today as the CLI takes it (dd/mm/yyyy), and as the core returns it (ISO). */
const TODAY_BE = `${pad(now.getDate())}/${pad(now.getMonth() + 1)}/${now.getFullYear()}`;
const TODAY_ISO = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;

/** A store made with the CLI, with its identity card written beside it. */
function org(dir, kind, name) {
  const store = path.join(dir, `${kind}.db`);
  const json = (...args) =>
    JSON.parse(
      execFileSync(CLI, ['--store', store, '--json', ...args], {
        env: { ...process.env, SCHAKEL_PASSPHRASE: PASSPHRASE },
        stdio: ['ignore', 'pipe', 'inherit'],
      }).toString(),
    );
  json('init', '--partner-kind', kind, '--partner-name', name, '--municipality', '21010', '--worker', `Medewerker ${kind.toUpperCase()}`);
  const card = path.join(dir, `${kind}-card.json`);
  const written = json('partners', 'card', '--out', card);
  const words = written.fingerprint.words.join(' ');
  const id = JSON.parse(execFileSync('cat', [card]).toString()).partner_id;
  return { store, json, card, words, id, kind, name };
}

/** `a` adds `b` as a partner with `b`'s id and pins its card with the words read out. */
function pin(a, b) {
  a.json('partners', 'add', '--kind', b.kind, '--name', b.name, '--id', b.id);
  const pinned = a.json('partners', 'pin', b.card, '--words', b.words);
  assert.equal(pinned.how, 'fingerprint', JSON.stringify(pinned));
}

test('a warm referral goes OCMW → CAW (app) → OCMW by bundles', { timeout: 300_000 }, async (tc) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schakel-exchange-'));
  const exportDir = path.join(dir, 'out');
  execFileSync('mkdir', ['-p', exportDir]);
  try {
    const ocmw = org(dir, 'ocmw', OCMW);
    const caw = org(dir, 'caw', CAW);
    pin(ocmw, caw);
    pin(caw, ocmw);

    // The OCMW sends a warm housing referral with an age band and a handover note.
    const code = ocmw.json('cases', 'open', '--entry-route', 'own_initiative', '--municipality', '21010',
      '--age-band', '25_34', '--household', 'single', '--domain', 'housing').code;
    const rid = ocmw.json('referrals', 'add', code, '--to', CAW, '--domain', 'housing', '--mode', 'warm').id;
    ocmw.json('exchange', 'share', rid, '--age-band', '25_34', '--note', NOTE);
    for (const kind of ['consent', 'receiver_contacted', 'sent']) ocmw.json('referrals', 'event', rid, kind, '--on', TODAY_BE);
    const bundle = path.join(dir, 'ocmw-naar-caw.json');
    ocmw.json('exchange', 'export', '--to', CAW, '--out', bundle);

    // The CAW has a draft referral of its own to the OCMW (for the share choice).
    const cawCode = caw.json('cases', 'open', '--entry-route', 'own_initiative', '--municipality', '21004',
      '--age-band', '35_44', '--household', 'single_parent', '--domain', 'debts').code;
    caw.json('referrals', 'add', cawCode, '--to', OCMW, '--domain', 'debts', '--mode', 'warm');

    await withApp(
      tc,
      async (app, step) => {
        const $ = (css) => app.visible(By.css(css));

        await step('the Exchange screen lists the OCMW with nothing received yet', async () => {
          await unlock(app);
          await app.click('nav-exchange');
          await app.waitForHeading(t('exchange.title'));
          const row = await (await $(`tr[data-partner="${ocmw.id}"]`)).getText();
          assert.ok(row.includes(OCMW) && row.includes(t('exchange.never')), row);
        });

        await step('importing the OCMW bundle says what came in', async () => {
          await app.click('exchange-import');
          const results = await app.byId('import-results');
          await app.driver.wait(async () => (await results.getText()).includes(OCMW), 20_000, 'import result shown');
          const text = await results.getText();
          assert.ok(text.includes(path.basename(bundle)), text);
          assert.match(text, /1 nieuwe doorverwijzing/, text);
          // The second file picked is a card, not a bundle: refused alone, nothing of it imported.
          assert.ok(text.includes(t('exchange.result.refused').replace('{file}', path.basename(ocmw.card))), text);
          assert.ok(text.includes(t('exchange.result.notABundle')), text);
          // The OCMW's last envelope arrived just now, in the Belgian format.
          const row = await (await $(`tr[data-partner="${ocmw.id}"]`)).getText();
          assert.match(row, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/, row);
          await app.screenshot('exchange-screen');
        });

        await step('importing it again changes nothing, and says so', async () => {
          await app.click('exchange-import');
          await app.waitForText(t('exchange.result.alreadyImported'));
        });

        await step('Today lists the received referral; it opens with what was shared', async () => {
          await app.click('nav-today');
          await app.waitForHeading(t('today.title'));
          const link = await $('[data-received]');
          assert.equal(await link.getText(), code);
          await link.click();
          await app.waitForHeading(t('exchange.received.title'));
          assert.equal(await (await app.byId('received-from')).getText(), OCMW);
          assert.equal(await (await app.byId('received-code')).getText(), code);
          assert.equal(await (await app.byId('shared-note')).getText(), NOTE);
          const shared = await (await app.byId('shared-details')).getText();
          assert.ok(shared.includes(t('exchange.shared.age_band')), shared);
          // The warm step the OCMW took is ticked.
          assert.ok((await (await $('[data-step="receiver_contacted"]')).getAttribute('class')).includes('done'));
          await app.driver.executeScript("document.getElementById('received-facts').scrollIntoView({ block: 'start' })");
          await app.screenshot('received-referral');
        });

        await step('the CAW accepts it and records the first contact', async () => {
          await app.click('nav-today');
          await (await $('[data-received]')).click();
          await (await $('[data-event="accepted"]')).click();
          await app.click('referral-event-confirm');
          await app.byId('received-recorded');
          // Accepted, it stays on Today until the first contact, and opens again from there.
          await app.click('nav-today');
          await app.waitForHeading(t('today.title'));
          const item = await (await app.byId('today-incoming')).findElement(By.xpath('..'));
          assert.ok((await item.getText()).includes(t('referralState.accepted')), await item.getText());
          await (await $('[data-received]')).click();
          await app.waitForHeading(t('exchange.received.title'));
          await (await $('[data-event="first_contact"]')).click();
          await app.click('referral-event-confirm');
          await app.waitForText(t('referralState.first_contact'));
          await app.driver.executeScript("document.getElementById('answer-title').scrollIntoView({ block: 'start' })");
          await app.screenshot('received-referral-answered');
        });

        await step('Beheer → Uitwisseling shows the card words, the QR code and the pinned OCMW key', async () => {
          await app.click('nav-admin');
          await app.click('admin-tab-exchange');
          await app.byId('own-words');
          const words = await app.driver.executeScript(
            "return Array.from(document.querySelectorAll('#own-words li'), (li) => li.lastChild.textContent.trim()).join(' ');",
          );
          assert.equal(words, caw.words);
          await app.byId('own-qr');
          const keys = await (await app.byId('pinned-keys')).getText();
          assert.ok(keys.includes(OCMW) && keys.includes(t('exchange.admin.keyState.current')), keys);
          await app.screenshot('exchange-admin');
        });

        await step('the share choice of a draft referral to the OCMW', async () => {
          await app.click('nav-cases');
          await app.type('case-search', cawCode);
          const row = await app.visible(By.xpath(`//li[@role="option"][.//*[normalize-space()="${cawCode}"]]`));
          await row.click();
          await app.click('share-open');
          await app.click('share-age_band');
          await app.type('share-note', 'Schuldbemiddeling loopt al; dossier bij de dienst schulden.');
          await app.driver.executeScript("document.getElementById('share-save').scrollIntoView({ block: 'center' })");
          await app.screenshot('share-choice');
          await app.click('share-save');
          await app.waitForText(t('exchange.share.saved'));
        });

        await step('exporting for the OCMW writes a bundle and says what was sealed', async () => {
          await app.click('nav-exchange');
          await app.waitForHeading(t('exchange.title'));
          await (await $(`button[data-export="${ocmw.id}"]`)).click();
          const done = await $(`[data-exported="${ocmw.id}"]`);
          const text = await done.getText();
          const files = readdirSync(exportDir);
          assert.equal(files.length, 1, `${files}`);
          assert.match(files[0], /^schakel-CAW-Brussel-naar-OCMW-Jette-\d{8}-\d{6}\.json$/);
          assert.ok(text.includes(files[0]), text);
          await app.screenshot('exchange-exported');
        });
      },
      { store: caw.store, env: { SCHAKEL_OPEN_FILES: [bundle, ocmw.card].join(path.delimiter), SCHAKEL_EXPORT_DIR: exportDir } },
    );

    // The OCMW reads the CAW's answer: accepted and met, on the CAW's dates.
    const [back] = readdirSync(exportDir);
    const imported = ocmw.json('exchange', 'import', path.join(exportDir, back));
    assert.equal(imported.imported[0].summary.sender_name, CAW, JSON.stringify(imported));
    const shown = ocmw.json('referrals', 'show', rid);
    assert.equal(shown.referral.state, 'first_contact', JSON.stringify(shown));
    assert.equal(shown.referral.accepted_on, TODAY_ISO);
    assert.equal(shown.referral.first_contact_on, TODAY_ISO);
    const events = ocmw.json('exchange', 'events', rid);
    const received = events.filter((e) => e.received_at !== null).map((e) => e.kind);
    assert.deepEqual(received.sort(), ['accepted', 'first_contact'], JSON.stringify(events));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
