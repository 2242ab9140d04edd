// An administrator sets up the exchange in the app (Beheer → Uitwisseling) on a CAW store
// made with the CLI: exports the CAW's identity card (SCHAKEL_EXPORT_DIR stands in for the
// save dialog) and reads its words from the screen, which the OCMW (CLI) uses to pin it;
// pins the OCMW's card (SCHAKEL_OPEN_FILES stands in for the open dialog), first with a
// word wrong (refused, nothing pinned), then with the words the OCMW read out; chooses the
// coordinator; is refused a hub URL that holds a password; and revokes the OCMW's key.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { By, t, withApp } from './lib/app.mjs';
import { CLI, PASSPHRASE, unlock } from './lib/flows.mjs';

function cli(store, ...args) {
  const out = spawnSync(CLI, ['--store', store, '--json', ...args], {
    env: { ...process.env, SCHAKEL_PASSPHRASE: PASSPHRASE },
  });
  return { status: out.status, json: out.stdout.length ? JSON.parse(out.stdout.toString()) : null, stderr: out.stderr.toString() };
}

function ok(store, ...args) {
  const r = cli(store, ...args);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.json;
}

test('an administrator exchanges cards, pins with the words, sets the coordinator, revokes', { timeout: 240_000 }, async (tc) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schakel-exchange-admin-'));
  const exportDir = path.join(dir, 'out');
  mkdirSync(exportDir);
  try {
    const ocmw = path.join(dir, 'ocmw.db');
    const caw = path.join(dir, 'caw.db');
    ok(ocmw, 'init', '--partner-kind', 'ocmw', '--partner-name', 'OCMW Jette', '--worker', 'Beheerder OCMW');
    ok(caw, 'init', '--partner-kind', 'caw', '--partner-name', 'CAW Brussel', '--worker', 'Beheerder CAW');
    const ocmwCard = path.join(dir, 'ocmw-kaart.json');
    const ocmwWords = ok(ocmw, 'partners', 'card', '--out', ocmwCard).fingerprint.words;
    const ocmwId = JSON.parse(readFileSync(ocmwCard, 'utf8')).partner_id;
    ok(caw, 'partners', 'add', '--kind', 'ocmw', '--name', 'OCMW Jette', '--id', ocmwId);

    let cawWords;
    await withApp(
      tc,
      async (app, step) => {
        const $ = (css) => app.visible(By.css(css));

        await step("Beheer → Uitwisseling shows this store's card; exporting it writes the file", async () => {
          await unlock(app);
          await app.click('nav-admin');
          await app.click('admin-tab-exchange');
          await app.byId('own-qr');
          cawWords = await app.driver.executeScript(
            "return Array.from(document.querySelectorAll('#own-words li'), (li) => li.lastChild.textContent.trim());",
          );
          assert.equal(cawWords.length, 10);
          await app.click('card-export');
          await app.waitForText(t('exchange.admin.cardSaved').split('{file}')[0]);
          assert.deepEqual(readdirSync(exportDir), ['schakel-kaart-CAW-Brussel.json']);
        });

        await step('one word wrong: refused in plain words, nothing pinned', async () => {
          const wrong = [...ocmwWords.slice(0, 9), ocmwWords[9] === 'apple' ? 'river' : 'apple'].join(' ');
          await app.type('pin-words', wrong);
          await app.click('pin-card');
          await app.waitForText(t('exchange.admin.mismatch'));
          await app.waitForText(t('exchange.admin.noKeys'));
          await app.screenshot('exchange-admin-mismatch');
        });

        await step('the words the OCMW read out: pinned, listed, and a possible coordinator', async () => {
          await app.type('pin-words', ocmwWords.join(', '));
          await app.click('pin-card');
          const result = await (await app.byId('pin-result')).getText();
          assert.ok(result.includes('OCMW Jette') && result.includes('ocmw-kaart.json'), result);
          const keys = await (await app.byId('pinned-keys')).getText();
          assert.ok(keys.includes('OCMW Jette') && keys.includes(t('exchange.admin.keyState.current')), keys);
          await app.select('coordinator', ocmwId);
          await app.click('coordinator-save');
          await app.waitForText(t('exchange.admin.saved'));
        });

        await step('a hub URL with a password in it is refused', async () => {
          await app.type('hub-url', 'postgres://caw:geheim@hub.example.be:5432/schakel_hub');
          await app.type('hub-password', 'een wachtwoord van de hub');
          await app.click('hub-save');
          await app.waitForText(t('exchange.admin.urlInvalid'));
          assert.equal(await (await app.byId('hub-configured')).getText(), t('exchange.admin.hubNone'));
          await app.driver.executeScript("document.getElementById('hub-title').scrollIntoView({ block: 'start' })");
          await app.screenshot('exchange-admin-hub');
        });

        await step('revoking the OCMW takes a confirmation, then its key is revoked', async () => {
          await (await $(`[data-revoke="${ocmwId}"]`)).click();
          await app.clickButton(t('exchange.admin.revokeYes'));
          await app.driver.wait(
            async () => (await (await app.byId('pinned-keys')).getText()).includes(t('exchange.admin.keyState.revoked')),
            10_000,
            'key shown as revoked',
          );
        });
      },
      { store: caw, env: { SCHAKEL_OPEN_FILES: ocmwCard, SCHAKEL_EXPORT_DIR: exportDir } },
    );

    // The OCMW pins the CAW's card with the words the CAW's screen showed; the CAW's store
    // has the coordinator and the revocation.
    const card = path.join(exportDir, 'schakel-kaart-CAW-Brussel.json');
    const cawId = JSON.parse(readFileSync(card, 'utf8')).partner_id;
    ok(ocmw, 'partners', 'add', '--kind', 'caw', '--name', 'CAW Brussel', '--id', cawId);
    assert.equal(ok(ocmw, 'partners', 'pin', card, '--words', cawWords.join(' ')).how, 'fingerprint');
    assert.equal(ok(caw, 'exchange', 'coordinator').coordinator, ocmwId);
    const keys = ok(caw, 'partners', 'keys');
    assert.equal(keys.length, 1);
    assert.ok(keys[0].revoked_at, JSON.stringify(keys));
    execFileSync('true');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
