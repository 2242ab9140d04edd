import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import errorKindSource from '../bindings/ErrorKind.ts?raw';
import appOnlyKindSource from '../bindings/AppOnlyKind.ts?raw';
import { ERROR_KINDS } from '../backend';
import type { Term } from '../bindings/Term';
import { _, LANGS, MESSAGES, STORAGE_KEY, codeName, currentLang, messageKeys, setLang, setupI18n, termName } from './index';

describe('message files', () => {
  const nlKeys = messageKeys(MESSAGES.nl).sort();

  it.each(LANGS)('%s has exactly the keys of nl', (lang) => {
    expect(messageKeys(MESSAGES[lang]).sort()).toEqual(nlKeys);
  });

  it('has no empty messages', () => {
    for (const lang of LANGS) {
      for (const key of messageKeys(MESSAGES[lang])) {
        expect(get(_)(key, { locale: lang, values: { total: 1, code: 'X', date: 'X', level: 'X', field: 'X' } }), `${lang} ${key}`).not.toBe('');
      }
    }
  });

  it('translates every error kind of the generated bindings (core and shell)', () => {
    const generated = [...(errorKindSource + appOnlyKindSource).matchAll(/"([a-z_]+)"/g)].map((m) => m[1]).sort();
    expect(generated.length).toBeGreaterThan(0);
    expect([...ERROR_KINDS].sort()).toEqual(generated);
    for (const kind of [...generated, 'unexpected']) expect(nlKeys).toContain(`errors.${kind}`);
  });
});

describe('language', () => {
  it('defaults to Dutch', () => {
    expect(setupI18n()).toBe('nl');
    expect(currentLang()).toBe('nl');
  });

  it('switches and remembers the choice', () => {
    setLang('fr');
    expect(currentLang()).toBe('fr');
    expect(localStorage.getItem(STORAGE_KEY)).toBe('fr');
    expect(document.documentElement.lang).toBe('fr');
    expect(get(_)('header.lock')).toBe('Verrouiller');
    expect(setupI18n()).toBe('fr');
  });

  it('ignores a stored value that is not a language', () => {
    localStorage.setItem(STORAGE_KEY, 'de');
    expect(setupI18n()).toBe('nl');
  });
});

describe('termName', () => {
  const term: Term = {
    code: '21004',
    name_nl: 'Brussel',
    name_fr: 'Bruxelles',
    name_en: 'Brussels (City)',
    sort_order: 40,
    active: true,
    level: null,
  };

  it('picks the name in the language', () => {
    expect(termName(term, 'nl')).toBe('Brussel');
    expect(termName(term, 'fr')).toBe('Bruxelles');
    expect(termName(term, 'en')).toBe('Brussels (City)');
  });

  it('falls back to Dutch', () => {
    expect(termName(term, null)).toBe('Brussel');
    expect(termName({ ...term, name_en: '' }, 'en')).toBe('Brussel');
  });

  it('codeName shows unknown codes raw', () => {
    expect(codeName([term], '21004', 'fr')).toBe('Bruxelles');
    expect(codeName([term], '99999', 'fr')).toBe('99999');
    expect(codeName(undefined, null, 'fr')).toBe('');
  });
});
