import { beforeEach, describe, expect, it, vi } from 'vitest';
import { invoke } from '@tauri-apps/api/core';
import { createTauriBackend } from './tauri';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const mockedInvoke = vi.mocked(invoke);

describe('tauri backend: a worker changes their passphrase', () => {
  beforeEach(() => mockedInvoke.mockReset());

  it('calls change_passphrase with the Rust argument names and passes a refusal on as a BackendError', async () => {
    mockedInvoke.mockResolvedValueOnce(null);
    const b = createTauriBackend();
    await b.changePassphrase('de oude zin', 'een nieuwe lange zin');
    expect(mockedInvoke.mock.calls).toEqual([
      ['change_passphrase', { oldPassphrase: 'de oude zin', newPassphrase: 'een nieuwe lange zin' }],
    ]);
    mockedInvoke.mockRejectedValueOnce({ kind: 'wrong_passphrase', message: 'wrong passphrase' });
    await expect(b.changePassphrase('fout', 'een nieuwe lange zin')).rejects.toMatchObject({
      name: 'BackendError',
      kind: 'wrong_passphrase',
    });
  });
});
