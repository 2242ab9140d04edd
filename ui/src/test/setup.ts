// Vitest setup: Testing Library cleanup after each test, i18n loaded, Dutch by default.
import '@testing-library/svelte/vitest';
import { beforeEach } from 'vitest';
import { locale, setupI18n } from '../lib/i18n';

setupI18n();

beforeEach(() => {
  localStorage.clear();
  locale.set('nl');
});
