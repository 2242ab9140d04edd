// The only file that knows Tauri. Each Backend method is one command of src-tauri, in
// snake_case; arguments are passed as camelCase objects (Tauri maps them to the Rust
// parameter names `input`, `passphrase`, `filter`, `id`). Rejections carry the core's
// ErrorReport and become BackendError.
import { invoke } from '@tauri-apps/api/core';
import type { Backend } from './backend';
import { BackendError } from './backend';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw BackendError.from(err);
  }
}

export const COMMANDS = {
  storeStatus: 'store_status',
  createStore: 'create_store',
  unlock: 'unlock',
  lock: 'lock',
  listCases: 'list_cases',
  caseDetail: 'case_detail',
  openCase: 'open_case',
  vocabularies: 'vocabularies',
  today: 'today',
} as const satisfies Record<keyof Backend, string>;

export function createTauriBackend(): Backend {
  return {
    storeStatus: () => call(COMMANDS.storeStatus),
    createStore: (input) => call(COMMANDS.createStore, { input }),
    unlock: (passphrase) => call(COMMANDS.unlock, { passphrase }),
    lock: () => call(COMMANDS.lock),
    listCases: (filter) => call(COMMANDS.listCases, { filter }),
    caseDetail: (id) => call(COMMANDS.caseDetail, { id }),
    openCase: (input) => call(COMMANDS.openCase, { input }),
    vocabularies: () => call(COMMANDS.vocabularies),
    today: () => call(COMMANDS.today),
  };
}
