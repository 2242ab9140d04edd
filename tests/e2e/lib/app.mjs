// Drives the real, built Schakel app through tauri-driver (WebDriver over WebKitWebDriver).
//
// Every `launch()` starts its own tauri-driver on free ports, with the app's environment
// pointing at a fresh store in a fresh temporary directory, so tests never share state and
// a test can start the app twice on one store (pass `store`). Everything here waits
// explicitly for what it needs (an element, a text); nothing sleeps a fixed time.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { By, Capabilities, Key, WebDriver, error as webdriverError, until } from 'selenium-webdriver';
import http from 'selenium-webdriver/http/index.js';

export { By, Key, until };

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The workspace root. */
export const ROOT = path.resolve(HERE, '..', '..', '..');
/** The app binary, built with `cargo build -p schakel-app --features custom-protocol`. */
export const APP = process.env.SCHAKEL_APP ?? path.join(ROOT, 'target', 'debug', 'schakel-app');
/** Where `screenshot(name)` writes `<name>.png`. */
export const SCREENSHOTS =
  process.env.SCHAKEL_E2E_SCREENSHOTS ?? path.join(ROOT, 'target', 'e2e-screenshots');
/** Default time to wait for an element or a text (unlocking runs Argon2id: about 1 s). */
export const TIMEOUT = Number(process.env.SCHAKEL_E2E_TIMEOUT ?? 20_000);
/** Environment variable that marks the processes of one launch (value: its temp dir). */
const LAUNCH_MARKER = 'SCHAKEL_E2E_LAUNCH';
/** A screenshot that takes longer than this has hung (see `screenshot`). */
const SCREENSHOT_TIMEOUT = 10_000;
/** `SCHAKEL_E2E_DEBUG=1` logs every helper call with a timestamp. */
const DEBUG = process.env.SCHAKEL_E2E_DEBUG === '1';

function debug(...parts) {
  if (DEBUG) console.error(new Date().toISOString().slice(11, 23), ...parts);
}

// ---------------------------------------------------------------------------------------
// The UI's own messages, so tests follow the UI's wording instead of copying it.

const I18N = path.join(ROOT, 'ui', 'src', 'lib', 'i18n');
const messages = {};

/** `<lang>.json` plus the namespaces of `parts/*.<lang>.json`, as the UI merges them. */
function loadMessages(lang) {
  const read = (file) => JSON.parse(readFileSync(file, 'utf8'));
  const tree = read(path.join(I18N, `${lang}.json`));
  const parts = path.join(I18N, 'parts');
  for (const file of readdirSync(parts).filter((f) => f.endsWith(`.${lang}.json`))) {
    Object.assign(tree, read(path.join(parts, file)));
  }
  return tree;
}

/** The UI's message for `key` ("errors.wrong_passphrase") in `lang` (nl, fr, en). */
export function t(key, lang = 'nl') {
  messages[lang] ??= loadMessages(lang);
  const value = key.split('.').reduce((node, part) => node?.[part], messages[lang]);
  if (typeof value !== 'string') throw new Error(`no message ${key} in ${lang}.json`);
  return value;
}

// ---------------------------------------------------------------------------------------
// Starting and stopping the app.

/**
 * Starts tauri-driver and, through it, the app on a store in a new temporary directory.
 *
 * @param {object} [options]
 * @param {string} [options.store] store path (default: `schakel.db` in the temporary directory)
 * @param {Record<string, string>} [options.env] extra environment for the app
 * @returns {Promise<App>}
 */
export async function launch({ store, env = {} } = {}) {
  if (!existsSync(APP)) {
    throw new Error(
      `no app at ${APP}: build it with \`cargo build -p schakel-app --features custom-protocol\``,
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'schakel-e2e-'));
  store ??= path.join(dir, 'schakel.db');
  const [port, nativePort] = await freePorts(2);
  // Output goes to a file, not a pipe: a pipe inherited by the app would keep this
  // process waiting for as long as the app lives.
  const logFile = path.join(dir, 'tauri-driver.log');
  const logFd = openSync(logFile, 'a');
  const driverProcess = spawn(
    tauriDriver(),
    ['--port', String(port), '--native-port', String(nativePort)],
    {
      env: {
        ...process.env,
        // tauri-driver hands its environment down to WebKitWebDriver and the app.
        SCHAKEL_TEST_MODE: '1',
        SCHAKEL_STORE: store,
        // Test mode keeps webview data under the temp dir: keep it in ours.
        TMPDIR: dir,
        // Without it WebKitGTK may render a blank window under Xvfb.
        WEBKIT_DISABLE_COMPOSITING_MODE: '1',
        // Marks every process of this launch, so `quit` can find what outlived the session.
        [LAUNCH_MARKER]: dir,
        ...env,
      },
      stdio: ['ignore', logFd, logFd],
    },
  );
  closeSync(logFd);
  const exited = new Promise((resolve) => {
    driverProcess.once('exit', resolve);
    driverProcess.once('error', resolve);
  });

  const app = new App({ dir, store, driverProcess, exited, logFile });
  try {
    // WebKitWebDriver first, then tauri-driver in front of it.
    await waitForPort(nativePort, exited, 'WebKitWebDriver');
    await waitForPort(port, exited, 'tauri-driver');
    const capabilities = new Capabilities();
    // No browserName: WebKitWebDriver refuses a session that asks for one it is not.
    capabilities.set('tauri:options', { application: APP });
    const executor = new http.Executor(new http.HttpClient(`http://127.0.0.1:${port}/`));
    app.driver = WebDriver.createSession(executor, capabilities);
    await app.driver.getSession();
    // The window exists before the UI has rendered: wait for the first screen's heading.
    await app.driver.wait(until.elementLocated(By.css('h1')), TIMEOUT).catch(async () => {
      const url = await app.driver.getCurrentUrl().catch(() => '?');
      const hint = url.startsWith('http://localhost')
        ? ': the app loads the dev server, so it was built without `--features custom-protocol`'
        : '';
      throw new Error(`the UI did not render (no <h1> at ${url})${hint}`);
    });
  } catch (error) {
    if (app.driver) await app.screenshot('FAILED-launch').catch(() => {});
    await app.quit();
    throw withLog(error, app.log());
  }
  return app;
}

/**
 * Runs a scenario on a freshly launched app as named steps (subtests of `context`). A failed step
 * saves `FAILED-<step>.png` and tauri-driver's output; the steps after it are skipped. The
 * app is always stopped and its temporary directory removed.
 *
 * @param {import('node:test').TestContext} context
 * @param {(app: App, step: (name: string, fn: () => Promise<void>) => Promise<void>) => Promise<void>} scenario
 * @param {Parameters<typeof launch>[0]} [options]
 */
export async function withApp(context, scenario, options) {
  const app = await launch(options);
  let failed = null;
  const step = async (name, fn) => {
    if (failed) {
      await context.test(name, { skip: `step "${failed}" failed` }, () => {});
      return;
    }
    await context.test(name, async () => {
      try {
        await fn();
      } catch (error) {
        failed = name;
        await app.screenshot(`FAILED-${slug(name)}`).catch(() => {});
        throw withLog(error, app.log());
      }
    });
  };
  try {
    await scenario(app, step);
  } finally {
    await app.quit();
  }
}

/** A running app: its WebDriver session and small helpers for the UI. */
export class App {
  /** @type {WebDriver} */
  driver;

  constructor({ dir, store, driverProcess, exited, logFile }) {
    /** The test's temporary directory (removed by `quit`). */
    this.dir = dir;
    /** The store path the app was given. */
    this.store = store;
    this.driverProcess = driverProcess;
    this.exited = exited;
    this.logFile = logFile;
    this.savedLog = null;
  }

  /** What tauri-driver, WebKitWebDriver and the app printed so far. */
  log() {
    if (this.savedLog !== null) return this.savedLog;
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** The element with this id, once it is in the page and visible. */
  async byId(id, timeout = TIMEOUT) {
    return this.visible(By.id(id), timeout, `#${id}`);
  }

  /** The button whose text is exactly `text` (spaces normalised), once visible. */
  async button(text, timeout = TIMEOUT) {
    const locator = By.xpath(`//button[normalize-space()=${xpathString(text)}]`);
    return this.visible(locator, timeout, `button "${text}"`);
  }

  /** The first element matching `locator`, once it is in the page and visible. */
  async visible(locator, timeout = TIMEOUT, what = String(locator)) {
    debug('wait for', what);
    return this.driver.wait(
      async () => {
        try {
          const [element] = await this.driver.findElements(locator);
          return element && (await element.isDisplayed()) ? element : null;
        } catch (e) {
          // Replaced by a re-render between finding and asking: look again.
          if (e instanceof webdriverError.StaleElementReferenceError) return null;
          throw e;
        }
      },
      timeout,
      `${what} not shown`,
    );
  }

  /** Replaces the value of the input with this id by `text`. */
  async type(id, text) {
    debug('type into', `#${id}`);
    const input = await this.byId(id);
    await input.clear();
    await input.sendKeys(text);
  }

  /** Clicks the element with this id once it is enabled. */
  async click(id) {
    debug('click', `#${id}`);
    const element = await this.byId(id);
    await this.driver.wait(until.elementIsEnabled(element), TIMEOUT, `#${id} stays disabled`);
    await element.click();
  }

  /** Clicks the button with this text once it is enabled. */
  async clickButton(text) {
    debug('click', `button "${text}"`);
    const element = await this.button(text);
    await this.driver.wait(until.elementIsEnabled(element), TIMEOUT, `button "${text}" stays disabled`);
    await element.click();
  }

  /** Chooses the option with this value in the <select> with this id. */
  async select(id, value) {
    debug('select', value, 'in', `#${id}`);
    const select = await this.byId(id);
    const option = await select.findElement(By.css(`option[value=${JSON.stringify(value)}]`));
    await option.click();
    await this.driver.wait(
      async () => (await select.getAttribute('value')) === value,
      TIMEOUT,
      `#${id} did not change to ${value}`,
    );
  }

  /** Waits until the page shows `text` (visible text, anywhere). */
  async waitForText(text, timeout = TIMEOUT) {
    debug('wait for text', text);
    await this.driver.wait(
      async () => (await this.text()).includes(text),
      timeout,
      `text not shown: "${text}"`,
    );
  }

  /** Waits until the page no longer shows `text`. */
  async waitForNoText(text, timeout = TIMEOUT) {
    debug('wait for no text', text);
    await this.driver.wait(
      async () => !(await this.text()).includes(text),
      timeout,
      `text still shown: "${text}"`,
    );
  }

  /** Waits until the screen's <h1> reads exactly `text`. */
  async waitForHeading(text, timeout = TIMEOUT) {
    debug('wait for heading', text);
    await this.driver.wait(
      async () => (await this.headings()).includes(text),
      timeout,
      `heading not shown: "${text}"`,
    );
  }

  /** The texts of the page's <h1> elements. */
  async headings() {
    return this.driver.executeScript(
      "return Array.from(document.querySelectorAll('h1'), (h) => h.innerText.trim());",
    );
  }

  /** The page's visible text. */
  async text() {
    return this.driver.findElement(By.css('body')).getText();
  }

  /**
   * Saves a PNG of the window to `<SCREENSHOTS>/<name>.png` and returns its path.
   *
   * WebKitWebDriver takes a screenshot at the page's next rendering update, and a page that
   * is not changing (no caret blinking, no animation) may not have one for a long time under
   * Xvfb. So while the screenshot is taken, a frame callback touches an unused CSS variable
   * on every frame: that forces updates and changes nothing visible.
   */
  async screenshot(name) {
    debug('screenshot', name);
    await mkdir(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await this.driver.executeScript(`
      const root = document.documentElement;
      window.__e2eFrames = (window.__e2eFrames ?? 0) + 1;
      const tick = (n) => {
        if (!window.__e2eFrames) return root.style.removeProperty('--e2e-frame');
        root.style.setProperty('--e2e-frame', String(n % 2));
        requestAnimationFrame(() => tick(n + 1));
      };
      requestAnimationFrame(() => tick(0));
    `);
    try {
      const png = await within(SCREENSHOT_TIMEOUT, this.driver.takeScreenshot(), `screenshot ${name}`);
      await writeFile(file, Buffer.from(png, 'base64'));
    } finally {
      await this.driver.executeScript('window.__e2eFrames = 0;').catch(() => {});
    }
    return file;
  }

  /**
   * Ends the session (which closes the app), stops tauri-driver (which stops
   * WebKitWebDriver), stops whatever of this launch still runs, removes the temp dir.
   */
  async quit() {
    if (this.driver) {
      await within(10_000, this.driver.quit(), 'ending the session').catch(() => {});
    }
    if (this.driverProcess.exitCode === null && this.driverProcess.signalCode === null) {
      this.driverProcess.kill('SIGTERM');
      const stopped = await Promise.race([this.exited.then(() => true), delay(5_000).then(() => false)]);
      if (!stopped) this.driverProcess.kill('SIGKILL');
    }
    // Killed is not yet gone: wait until every process of this launch has exited (and so
    // released the store's lock), or a test that opens the store next meets it locked.
    await waitGone(killMarked(this.dir), 10_000);
    // And whatever else of the launch held the store (a process that left the marker
    // behind, a slow exit): the next CLI call must find the lock free.
    await waitLockFree(`${this.store}.lock`, 15_000);
    this.savedLog = this.log();
    if (process.env.SCHAKEL_E2E_KEEP === '1') {
      console.log(`kept ${this.dir}`);
    } else {
      await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
    }
  }
}

// ---------------------------------------------------------------------------------------
// Plumbing.

/** tauri-driver: `TAURI_DRIVER`, else on the PATH, else in cargo's bin directory. */
function tauriDriver() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'tauri-driver'))) return path.join(dir, 'tauri-driver');
  }
  const cargoHome = process.env.CARGO_HOME ?? path.join(os.homedir(), '.cargo');
  const installed = path.join(cargoHome, 'bin', 'tauri-driver');
  if (existsSync(installed)) return installed;
  throw new Error('tauri-driver not found: `cargo install tauri-driver --locked` (or `cargo xtask setup`)');
}

/** Ports that were free a moment ago (the OS picks them). */
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** Waits until something accepts connections on `port`; fails if tauri-driver exits first. */
async function waitForPort(port, exited, what, timeout = 10_000) {
  let gone = false;
  exited.then(() => (gone = true));
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`tauri-driver exited before ${what} was ready`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await delay(50);
  }
  throw new Error(`${what} did not listen on port ${port} within ${timeout} ms`);
}

/** SIGKILLs every process whose environment carries this launch's marker (Linux). */
function killMarked(dir) {
  const needle = `${LAUNCH_MARKER}=${dir}`;
  const killed = [];
  let pids = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return killed;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(needle)) {
        process.kill(Number(pid), 'SIGKILL');
        killed.push(pid);
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return killed;
}

/**
 * Waits until nobody holds the store's advisory lock (`flock -n` succeeds), at most `ms`;
 * then names the holders, if any, so a failure that follows says who kept it.
 */
async function waitLockFree(lockFile, ms) {
  if (!existsSync(lockFile)) return;
  const free = () => spawnSync('flock', ['-n', '-E', '75', lockFile, 'true']).status === 0;
  const until = Date.now() + ms;
  while (!free()) {
    if (Date.now() >= until) {
      console.log(`store lock still held after ${ms} ms by: ${lockHolders(lockFile).join(', ') || 'unknown'}`);
      return;
    }
    await delay(100);
  }
}

/** Pid and command line of every process with `file` open (Linux /proc). */
function lockHolders(file) {
  const holders = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`) === file; } catch { return false; } })) {
        holders.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim()}`);
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return holders;
}

/** Waits until none of `pids` is running any more (a zombie has exited), at most `ms`. */
async function waitGone(pids, ms) {
  const running = (pid) => {
    try {
      return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'latin1'));
    } catch {
      return false;
    }
  };
  const until = Date.now() + ms;
  while (pids.some(running) && Date.now() < until) await delay(50);
}

function withLog(error, log) {
  const text = log.trim();
  if (text && error instanceof Error && !error.message.includes('tauri-driver output')) {
    error.message += `\n--- tauri-driver output ---\n${text.slice(-4000)}`;
  }
  return error;
}

/** An XPath string literal for any text (XPath 1.0 has no escapes). */
function xpathString(text) {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  return `concat(${text
    .split("'")
    .map((part) => `'${part}'`)
    .join(`, "'", `)})`;
}

function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** `promise`, or an error after `ms` milliseconds. */
async function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
