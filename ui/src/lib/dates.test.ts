import { describe, expect, it } from 'vitest';
import { formatDate, parseDate } from './dates';

describe('formatDate', () => {
  it('formats ISO dates the Belgian way', () => {
    expect(formatDate('2026-11-25')).toBe('25/11/2026');
    expect(formatDate('2026-01-05')).toBe('05/01/2026');
    expect(formatDate('2026-11-25T10:00:00Z')).toBe('25/11/2026');
  });

  it('handles empty and non-ISO input', () => {
    expect(formatDate(null)).toBe('');
    expect(formatDate(undefined)).toBe('');
    expect(formatDate('')).toBe('');
    expect(formatDate('gisteren')).toBe('gisteren');
  });
});

describe('parseDate', () => {
  it('parses dd/mm/yyyy', () => {
    expect(parseDate('25/11/2026')).toBe('2026-11-25');
    expect(parseDate(' 5/1/2026 ')).toBe('2026-01-05');
    expect(parseDate('25.11.2026')).toBe('2026-11-25');
    expect(parseDate('25-11-2026')).toBe('2026-11-25');
  });

  it('accepts ISO dates', () => {
    expect(parseDate('2026-11-25')).toBe('2026-11-25');
  });

  it('refuses dates that do not exist or are malformed', () => {
    expect(parseDate('31/11/2026')).toBeNull();
    expect(parseDate('29/02/2026')).toBeNull();
    expect(parseDate('29/02/2028')).toBe('2028-02-29');
    expect(parseDate('00/01/2026')).toBeNull();
    expect(parseDate('12/13/2026')).toBeNull();
    expect(parseDate('25/11/26')).toBeNull();
    expect(parseDate('2026-11-25x')).toBeNull();
    expect(parseDate('')).toBeNull();
  });

  it('round-trips with formatDate', () => {
    expect(parseDate(formatDate('2026-12-02'))).toBe('2026-12-02');
  });
});
