// Picks the backend: the real one inside the Tauri window, the in-memory fake in a plain
// browser (`npm run dev`) and in tests.
import type { Backend } from './backend';
import { createFakeBackend } from './fake';
import { createTauriBackend } from './tauri';

export * from './backend';
export { createFakeBackend } from './fake';

export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

export function createBackend(): Backend {
  return inTauri() ? createTauriBackend() : createFakeBackend();
}
