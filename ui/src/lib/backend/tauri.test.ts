import { beforeEach, describe, expect, it, vi } from 'vitest';
import { invoke } from '@tauri-apps/api/core';
import { BackendError, caseFilter } from './backend';
import { createTauriBackend } from './tauri';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const mockedInvoke = vi.mocked(invoke);

describe('tauri backend', () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });

  it('calls snake_case commands with camelCase argument objects', async () => {
    mockedInvoke.mockResolvedValue(undefined);
    const b = createTauriBackend();
    const filter = caseFilter({ search: 'K7' });
    const input = { partnerKind: 'ocmw', partnerName: 'OCMW Jette', workerName: 'An', passphrase: 'p' } as const;

    await b.storeStatus();
    await b.createStore(input);
    await b.unlock('secret words');
    await b.lock();
    await b.listCases(filter);
    await b.caseDetail('c-1');
    await b.vocabularies();
    await b.today();

    expect(mockedInvoke.mock.calls).toEqual([
      ['store_status', undefined],
      ['create_store', { input }],
      ['unlock', { passphrase: 'secret words' }],
      ['lock', undefined],
      ['list_cases', { filter }],
      ['case_detail', { id: 'c-1' }],
      ['vocabularies', undefined],
      ['today', undefined],
    ]);
  });

  it('passes a statistics request and export options, never a path', async () => {
    mockedInvoke.mockResolvedValue(null);
    const b = createTauriBackend();
    const request = { month: '2026-10', scope: 'network', threshold: 5, sensitiveThreshold: null, lang: 'fr' } as const;
    await b.monthlyStatistics(request);
    expect(await b.exportMonthlyStatistics(request, { format: 'xlsx', belgianCsv: true })).toBeNull();
    expect(mockedInvoke.mock.calls).toEqual([
      ['monthly_statistics', { request }],
      ['export_monthly_statistics', { request, options: { format: 'xlsx', belgianCsv: true } }],
    ]);
  });

  it('returns what the command resolves with', async () => {
    mockedInvoke.mockResolvedValue({ recoveryKey: 'ABCD-EFGH' });
    const result = await createTauriBackend().createStore({
      partnerKind: 'caw',
      partnerName: 'CAW Brussel',
      workerName: 'Jo',
      passphrase: 'x',
    });
    expect(result).toEqual({ recoveryKey: 'ABCD-EFGH' });
  });

  it('turns a rejected ErrorReport into a BackendError', async () => {
    mockedInvoke.mockRejectedValue({ kind: 'wrong_passphrase', message: 'wrong passphrase', field: null, problems: [] });
    const err = await createTauriBackend().unlock('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ kind: 'wrong_passphrase', message: 'wrong passphrase' });
    expect((err as BackendError).field).toBeUndefined();
  });

  it('keeps the field of a validation error', async () => {
    mockedInvoke.mockRejectedValue({ kind: 'validation', message: 'unknown code', field: 'municipality', problems: [] });
    const err = await createTauriBackend().openCase({} as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'validation', field: 'municipality' });
  });

  it('accepts a report serialised as a JSON string', async () => {
    mockedInvoke.mockRejectedValue(JSON.stringify({ kind: 'store_locked', message: 'locked', field: null, problems: [] }));
    await expect(createTauriBackend().today()).rejects.toMatchObject({ kind: 'store_locked' });
  });

  it('maps anything else to kind "unexpected"', async () => {
    mockedInvoke.mockRejectedValue('command list_cases not found');
    await expect(createTauriBackend().listCases(caseFilter())).rejects.toMatchObject({
      kind: 'unexpected',
      message: 'command list_cases not found',
    });
    mockedInvoke.mockRejectedValue({ kind: 'not_a_kind', message: 'x' });
    await expect(createTauriBackend().today()).rejects.toMatchObject({ kind: 'unexpected' });
  });
});

describe('command names', () => {
  it('match the commands src-tauri declares, one for one', async () => {
    const { COMMANDS } = await import('./tauri');
    const buildRs = (await import('../../../../src-tauri/build.rs?raw')).default;
    const list = buildRs.match(/const COMMANDS: &\[&str\] = &\[([\s\S]*?)\];/);
    expect(list).not.toBeNull();
    const rust = [...(list?.[1] ?? '').matchAll(/"([a-z_]+)"/g)].map((m) => m[1]).sort();
    expect(Object.values(COMMANDS).sort()).toEqual(rust);
  });
});
