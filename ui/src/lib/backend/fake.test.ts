import { describe, expect, it } from 'vitest';
import type { NewCase } from '../bindings/NewCase';
import { BackendError, caseFilter } from './backend';
import { FAKE_PASSPHRASE, createFakeBackend } from './fake';

const newCase = (over: Partial<NewCase> = {}): NewCase => ({
  id: null,
  code: null,
  opened_on: null,
  owner_partner_id: null,
  owner_worker_id: null,
  entry_route: 'own_initiative',
  municipality: '21010',
  age_band: '25_34',
  household_type: 'single_parent',
  gender: null,
  contact_language: null,
  interpreter: null,
  residence_status: null,
  life_domains: ['housing'],
  project: null,
  ...over,
});

describe('fake backend', () => {
  it('refuses a wrong passphrase and data access while locked', async () => {
    const b = createFakeBackend();
    await expect(b.unlock('wrong')).rejects.toMatchObject({ kind: 'wrong_passphrase' });
    await expect(b.listCases(caseFilter())).rejects.toMatchObject({ kind: 'locked' });
    await b.unlock(FAKE_PASSPHRASE);
    expect(await b.storeStatus()).toBe('unlocked');
    await b.lock();
    expect(await b.storeStatus()).toBe('locked');
  });

  it('creates a store once and returns a recovery key', async () => {
    const b = createFakeBackend({ status: 'missing' });
    const input = { partnerKind: 'ocmw' as const, partnerName: 'OCMW Jette', workerName: 'An', passphrase: 'vier woorden zijn genoeg' };
    await expect(b.createStore({ ...input, passphrase: 'kort' })).rejects.toMatchObject({ kind: 'validation', field: 'passphrase' });
    const { recoveryKey } = await b.createStore(input);
    expect(recoveryKey).toMatch(/^[A-Z0-9-]{20,}$/);
    expect(await b.storeStatus()).toBe('unlocked');
    await expect(b.createStore(input)).rejects.toMatchObject({ kind: 'store_exists' });
  });

  it('validates required fields of a new case', async () => {
    const b = createFakeBackend({ status: 'unlocked' });
    const err = await b.openCase(newCase({ municipality: '' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ kind: 'validation', field: 'municipality' });
    await expect(b.openCase(newCase({ age_band: 'ancient' }))).rejects.toMatchObject({ field: 'age_band' });

    const before = (await b.listCases(caseFilter())).total;
    const created = await b.openCase(newCase());
    expect(created.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect((await b.listCases(caseFilter())).total).toBe(before + 1);
    expect((await b.caseDetail(created.id)).case.code).toBe(created.code);
  });

  it('filters by code prefix and status', async () => {
    const b = createFakeBackend({ status: 'unlocked' });
    const k7 = await b.listCases(caseFilter({ search: 'k7' }));
    expect(k7.rows.map((r) => r.code).sort()).toEqual(['K7M4-QX9K', 'K7P2-AB3D']);
    const closed = await b.listCases(caseFilter({ status: 'closed' }));
    expect(closed.rows.every((r) => r.status === 'closed')).toBe(true);
    await expect(b.caseDetail('nope')).rejects.toMatchObject({ kind: 'not_found' });
  });
});
