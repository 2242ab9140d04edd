// The case list on a large store: how long the first page takes to appear, how long a
// filter, a search and the next page take, and whether scrolling keeps its frames. A
// measurement, not a timed test: it asserts that the list works and reports the figures
// (printed, and written to target/e2e-perf.json for docs/performance.md).
//
// The store: `SCHAKEL_E2E_LARGE_STORE` (a copy is used; e.g. the 100,000-case store of
// `cargo xtask bench`, passphrase `demo schakel brussel 2026`), else a demo store of
// `SCHAKEL_E2E_LARGE_CASES` cases (default 20,000) made with the CLI.

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { By, ROOT, withApp } from './lib/app.mjs';
import { DEMO_PASSPHRASE, demoStore, unlock } from './lib/flows.mjs';

const CASES = Number(process.env.SCHAKEL_E2E_LARGE_CASES ?? 20_000);

function largeStore() {
  const given = process.env.SCHAKEL_E2E_LARGE_STORE;
  if (!given) return { store: demoStore({ cases: CASES, seed: 3 }), cases: CASES };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schakel-large-'));
  const store = path.join(dir, 'large.db');
  copyFileSync(given, store);
  copyFileSync(`${given}.keys`, `${store}.keys`);
  for (const side of ['-wal', '-shm']) if (existsSync(given + side)) copyFileSync(given + side, store + side);
  return { store, cases: 'given' };
}

/**
 * Does `action` in the page and returns the milliseconds until the case list shows a
 * different first row or count, measured in the page up to the frame that paints it.
 */
async function timeListChange(app, action) {
  return app.driver.executeAsyncScript(
    `const [action, done] = [arguments[0], arguments[arguments.length - 1]];
     const first = () => document.querySelector('#case-list li')?.id ?? null;
     const count = () => document.querySelector('.count')?.textContent ?? null;
     const [before, beforeCount] = [first(), count()];
     const t0 = performance.now();
     const run = {
       click: (id) => document.getElementById(id).click(),
       select: (id, value) => {
         const el = document.getElementById(id);
         el.value = value;
         el.dispatchEvent(new Event('change', { bubbles: true }));
       },
       type: (id, value) => {
         const el = document.getElementById(id);
         el.value = value;
         el.dispatchEvent(new Event('input', { bubbles: true }));
       },
     };
     run[action[0]](...action.slice(1));
     const check = () => {
       const now = first();
       if (now !== null && (now !== before || count() !== beforeCount)) {
         requestAnimationFrame(() => done(performance.now() - t0));
       } else if (performance.now() - t0 > 20000) {
         done(-1);
       } else {
         requestAnimationFrame(check);
       }
     };
     requestAnimationFrame(check);`,
    action,
  );
}

/**
 * Scrolls the case list (its own scroll box) up and down for about a second, one step per
 * frame; returns how many frames were drawn and the longest gap between two.
 */
async function scrollFrames(app) {
  return app.driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     const list = document.getElementById('case-list');
     const gaps = [];
     let last = performance.now();
     const t0 = last;
     let down = true;
     let moved = 0;
     const frame = (now) => {
       gaps.push(now - last);
       last = now;
       const before = list.scrollTop;
       list.scrollBy(0, down ? 60 : -60);
       moved += Math.abs(list.scrollTop - before);
       if (list.scrollTop + list.clientHeight >= list.scrollHeight - 2) down = false;
       if (list.scrollTop <= 0) down = true;
       if (now - t0 < 1200) requestAnimationFrame(frame);
       else done({ frames: gaps.length, scrolled_px: moved, max_gap_ms: Math.max(...gaps.slice(1)), median_gap_ms: gaps.slice(1).sort((a, b) => a - b)[Math.floor(gaps.length / 2)] });
     };
     requestAnimationFrame(frame);`,
  );
}

test('the case list of a large store renders, filters, searches and scrolls without lag', { timeout: 900_000 }, async (tc) => {
  const t0 = Date.now();
  const { store, cases } = largeStore();
  const built = (Date.now() - t0) / 1000;
  const figures = { cases, store_ready_seconds: built };
  await withApp(
    tc,
    async (app, step) => {
      await step('unlock', async () => {
        await unlock(app, DEMO_PASSPHRASE);
      });

      await step('first render of the case list', async () => {
        figures.first_render_ms = await timeListChange(app, ['click', 'nav-cases']);
        assert.ok(figures.first_render_ms > 0, 'the list rendered');
        await app.visible(By.css('#case-list li'));
        await app.screenshot('large-store-cases');
      });

      await step('a filter, a search, the next page', async () => {
        figures.filter_closed_ms = await timeListChange(app, ['select', 'case-status', 'closed']);
        figures.filter_domain_ms = await timeListChange(app, ['select', 'case-domain', 'debts']);
        figures.next_page_ms = await timeListChange(app, ['click', 'case-next']);
        const code = await (await app.visible(By.css('#case-list li .code'))).getText();
        await app.select('case-status', '');
        await app.select('case-domain', '');
        figures.search_ms = await timeListChange(app, ['type', 'case-search', code.slice(0, 4)]);
        await app.waitForText(code);
        for (const k of ['filter_closed_ms', 'filter_domain_ms', 'next_page_ms', 'search_ms']) {
          assert.ok(figures[k] > 0, `${k}: the list changed`);
        }
      });

      await step('scrolling keeps its frames', async () => {
        figures.clear_search_ms = await timeListChange(app, ['type', 'case-search', '']);
        await app.select('case-status', 'open');
        await app.visible(By.css('#case-list li'));
        figures.scroll = await scrollFrames(app);
        assert.ok(figures.scroll.frames > 10, 'frames were drawn while scrolling');
        assert.ok(figures.scroll.scrolled_px > 0, 'the list scrolled');
      });
    },
    { store },
  );
  // A copied or generated store is large: do not leave it in the temp dir.
  rmSync(path.dirname(store), { recursive: true, force: true });
  console.log(`large store: ${JSON.stringify(figures)}`);
  writeFileSync(path.join(ROOT, 'target', 'e2e-perf.json'), `${JSON.stringify(figures, null, 2)}\n`);
});
