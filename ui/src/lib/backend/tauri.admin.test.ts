import { beforeEach, describe, expect, it, vi } from 'vitest';
import { invoke } from '@tauri-apps/api/core';
import type { NewUser } from '../bindings/NewUser';
import { createTauriBackend } from './tauri';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const mockedInvoke = vi.mocked(invoke);

describe('tauri backend: administrators, recovery and restore', () => {
  beforeEach(() => mockedInvoke.mockReset());

  it('calls the admin commands with their Rust argument names; a restore names no path', async () => {
    mockedInvoke.mockResolvedValue(null);
    const b = createTauriBackend();
    const input: NewUser = { displayName: 'Sara', roles: ['caseworker'], passphrase: 'vier woorden lang hier' };
    const query = { action: 'user.add', offset: 25, limit: 25 } as const;
    await b.listUsers();
    await b.addUser(input);
    await b.setUserRoles('w-2', ['exporter']);
    await b.removeUser('w-2');
    await b.verifyAudit();
    await b.auditEntries(query);
    await b.recoverStore('ABCD-EFGH', 'een nieuwe lange zin');
    expect(await b.restoreBackup('de wachtzin van toen')).toBeNull();
    expect(mockedInvoke.mock.calls).toEqual([
      ['list_users', undefined],
      ['add_user', { input }],
      ['set_user_roles', { worker: 'w-2', roles: ['exporter'] }],
      ['remove_user', { worker: 'w-2' }],
      ['verify_audit', undefined],
      ['audit_entries', { query }],
      ['recover_store', { recoveryKey: 'ABCD-EFGH', newPassphrase: 'een nieuwe lange zin' }],
      ['restore_backup', { passphrase: 'de wachtzin van toen' }],
    ]);
  });
});
