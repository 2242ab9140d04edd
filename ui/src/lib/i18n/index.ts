// The one i18n entry point. Components use `$_('key')` from here (re-exported from
// svelte-i18n) and never hard-code visible text.
import { addMessages, init, locale, _ } from 'svelte-i18n';
import { get } from 'svelte/store';
import type { Term } from '../bindings/Term';
import nl from './nl.json';
import fr from './fr.json';
import en from './en.json';

export { _, locale };

export const LANGS = ['nl', 'fr', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'nl';
export const STORAGE_KEY = 'schakel.lang';

type Tree = Record<string, unknown>;

// Messages of one screen or panel may live in `parts/<name>.<lang>.json`, so that work on
// different screens does not collide in one file. Each part adds top-level namespaces.
const PARTS = import.meta.glob<Tree>('./parts/*.json', { eager: true, import: 'default' });

function withParts(lang: string, base: Tree): Tree {
  const merged: Tree = { ...base };
  for (const [path, tree] of Object.entries(PARTS)) {
    if (!path.endsWith(`.${lang}.json`)) continue;
    for (const [ns, messages] of Object.entries(tree)) {
      if (ns in merged) throw new Error(`i18n namespace "${ns}" defined twice (${path})`);
      merged[ns] = messages;
    }
  }
  return merged;
}

export const MESSAGES: Record<Lang, Tree> = {
  nl: withParts('nl', nl),
  fr: withParts('fr', fr),
  en: withParts('en', en),
};

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

function storedLang(): Lang | null {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLang(v) ? v : null;
  } catch {
    return null;
  }
}

/** Loads the messages synchronously and picks the language: stored choice, else Dutch. */
export function setupI18n(): Lang {
  for (const lang of LANGS) addMessages(lang, MESSAGES[lang] as never);
  const initial = storedLang() ?? DEFAULT_LANG;
  init({ fallbackLocale: DEFAULT_LANG, initialLocale: initial });
  setDocumentLang(initial);
  return initial;
}

/** Switches the language and remembers it in localStorage. */
export function setLang(lang: Lang): void {
  locale.set(lang);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Storage may be unavailable (private mode); the switch still works for this session.
  }
  setDocumentLang(lang);
}

export function currentLang(): Lang {
  const l = get(locale);
  return isLang(l) ? l : DEFAULT_LANG;
}

function setDocumentLang(lang: Lang): void {
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** The name of a backend vocabulary term in the given language (Dutch as fallback). */
export function termName(term: Term, lang: Lang | string | null | undefined): string {
  switch (lang) {
    case 'fr':
      return term.name_fr || term.name_nl;
    case 'en':
      return term.name_en || term.name_nl;
    default:
      return term.name_nl;
  }
}

/** Looks a code up in a vocabulary; shows the raw code when it is unknown. */
export function codeName(
  vocab: Term[] | undefined,
  code: string | null | undefined,
  lang: Lang | string | null | undefined,
): string {
  if (!code) return '';
  const term = vocab?.find((t) => t.code === code);
  return term ? termName(term, lang) : code;
}

/** Flattened dotted keys of a message tree, for the parity test. */
export function messageKeys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v !== null && typeof v === 'object'
      ? messageKeys(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}
