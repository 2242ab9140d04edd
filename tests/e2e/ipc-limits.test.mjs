// The shell's bounds on what the web view sends (src-tauri/src/ipc_limits.rs), through the
// real IPC: an enormous note, text to check or list gets a typed `validation` error that
// names the field and repeats nothing, the window stays responsive, and nothing of it
// reaches the store or the log. The calls go through `__TAURI_INTERNALS__.invoke`, the
// function our UI's `invoke` wraps, as a script injected into the web view would.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { withApp } from './lib/app.mjs';
import { firstRun } from './lib/flows.mjs';

/** Invokes `command` with `args` in the web view; `{ ok, value }` or `{ ok: false, error }`. */
const INVOKE = `
  const [command, args, done] = arguments;
  window.__TAURI_INTERNALS__.invoke(command, args).then(
    (value) => done({ ok: true, value }),
    (error) => done({ ok: false, error }),
  );`;

test('enormous input from the web view is refused with a typed error', { timeout: 120_000 }, async (tc) => {
  await withApp(tc, async (app, step) => {
    const invoke = (command, args) => app.driver.executeAsyncScript(INVOKE, command, args);
    const huge = 'zebrakanarie '.repeat(200_000); // 2.6 MB

    await step('create a store', async () => {
      await firstRun(app, { kind: 'caw', partner: 'CAW Antwerpen', worker: 'Jo' });
    });

    await step('an enormous note, text check or list is refused, naming its field', async () => {
      // The bounds are checked before the command runs: the ids need not exist.
      const id = '0190a0c0-0000-7000-8000-000000000000';
      const calls = [
        ['add_note', { caseId: id, body: huge, keepBecause: null }, 'body'],
        ['check_text', { text: huge }, 'text'],
        ['passphrase_strength_of', { passphrase: huge }, 'passphrase'],
        ['set_user_roles', { worker: id, roles: Array(5000).fill('admin') }, 'roles'],
      ];
      for (const [command, args, field] of calls) {
        const started = Date.now();
        const result = await invoke(command, args);
        assert.equal(result.ok, false, `${command} was refused`);
        assert.equal(result.error.kind, 'validation', `${command}: ${JSON.stringify(result.error).slice(0, 200)}`);
        assert.equal(result.error.field, field, command);
        assert.ok(!result.error.message.includes('zebrakanarie'), `${command}: the message repeats nothing`);
        assert.ok(Date.now() - started < 10_000, `${command} answered at once`);
      }
    });

    await step('the window still answers, and an ordinary check still works', async () => {
      const found = await invoke('check_text', { text: 'Bel haar op 0470 12 34 56' });
      assert.equal(found.ok, true);
      assert.ok(found.value.some((f) => f.kind === 'phone'), JSON.stringify(found.value));
      await app.click('nav-cases');
      await app.byId('case-search');
    });

    await step('the log names the refused commands, never their content', async () => {
      const log = readdirSync(app.dir)
        .filter((d) => d.startsWith('schakel-test-'))
        .map((d) => path.join(app.dir, d, 'schakel.log'))
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f, 'utf8'))
        .join('');
      assert.ok(log.includes('command refused before it ran: add_note (too large)'), log);
      assert.ok(!log.includes('zebrakanarie'), 'the log holds none of the text');
    });
  });
});
