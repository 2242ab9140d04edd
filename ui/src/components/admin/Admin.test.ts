import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { BackendError } from '../../lib/backend';
import { createFakeBackend, FAKE_PASSPHRASE, type FakeOptions } from '../../lib/backend/fake';
import type { SessionInfo } from '../../lib/bindings/SessionInfo';
import nl from '../../lib/i18n/nl.json';
import nlAdmin from '../../lib/i18n/parts/admin.nl.json';
import Admin from './Admin.svelte';
import { AUDIT_ACTIONS, AUDIT_PAGE_SIZE } from './AuditLog.svelte';
import frAdmin from '../../lib/i18n/parts/admin.fr.json';
import enAdmin from '../../lib/i18n/parts/admin.en.json';

const a = nlAdmin.admin;
const fill = (s: string, values: Record<string, string | number>) =>
  Object.entries(values).reduce((t, [k, v]) => t.replaceAll(`{${k}}`, String(v)), s);
const GOOD = 'vier woorden lang genoeg hier';

async function setup(options: FakeOptions = {}, before?: (b: ReturnType<typeof createFakeBackend>) => Promise<unknown>) {
  const backend = createFakeBackend(options);
  await backend.unlock(FAKE_PASSPHRASE);
  await before?.(backend);
  const session: SessionInfo = await backend.session();
  render(Admin, { backend, session });
  return backend;
}

function row(name: string): HTMLElement {
  const r = document.querySelector<HTMLElement>(`tr[data-user="${name}"]`);
  if (!r) throw new Error(`no row for ${name}`);
  return r;
}

async function addUser(name: string, roles: string[], passphrase = GOOD) {
  await fireEvent.input(screen.getByLabelText(a.users.displayName), { target: { value: name } });
  const form = screen.getByRole('form', { name: a.users.add });
  for (const box of within(form).getAllByRole('checkbox') as HTMLInputElement[]) {
    if (box.checked !== roles.includes(box.value)) await fireEvent.click(box);
  }
  await fireEvent.input(screen.getByLabelText(a.users.passphrase), { target: { value: passphrase } });
  await fireEvent.input(screen.getByLabelText(a.users.repeat), { target: { value: passphrase } });
}

describe('Beheer: users', () => {
  it('lists the users with their roles, and adds one only with a passphrase the core accepts', async () => {
    const backend = await setup();
    const add = vi.spyOn(backend, 'addUser');
    expect(await screen.findByRole('heading', { name: a.users.title })).toBeTruthy();
    await waitFor(() => expect(row('An Peeters').textContent).toContain(a.users.me));
    expect(row('An Peeters').textContent).toContain(`${a.role.caseworker}, ${a.role.coordinator}, ${a.role.exporter}, ${a.role.admin}`);

    const submit = screen.getByRole('button', { name: a.users.submit }) as HTMLButtonElement;
    await addUser('Sara Janssens', ['caseworker'], 'kort');
    await waitFor(() => expect(screen.getByText(/zwak/)).toBeTruthy());
    expect(submit.disabled).toBe(true);

    await addUser('Sara Janssens', ['caseworker', 'coordinator']);
    await waitFor(() => expect(submit.disabled).toBe(false));
    await fireEvent.click(submit);
    await waitFor(() => expect(add).toHaveBeenCalledOnce());
    expect(add.mock.calls[0][0]).toEqual({ displayName: 'Sara Janssens', roles: ['caseworker', 'coordinator'], passphrase: GOOD });
    expect((await screen.findByRole('status')).textContent).toContain(fill(a.users.added, { name: 'Sara Janssens' }));
    await waitFor(() => expect(row('Sara Janssens').textContent).toContain(`${a.role.caseworker}, ${a.role.coordinator}`));
    // The form is empty again.
    expect((screen.getByLabelText(a.users.displayName) as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText(a.users.passphrase) as HTMLInputElement).value).toBe('');
    // The new user unlocks with her passphrase and has exactly her roles.
    await backend.lock();
    await backend.unlock(GOOD);
    expect((await backend.session()).permissions.sort()).toEqual(['case_lists', 'case_work', 'exchange', 'referral_figures']);
  });

  it('shows a refusal of the core by its kind and field', async () => {
    const backend = await setup();
    vi.spyOn(backend, 'addUser').mockRejectedValue(new BackendError('validation', 'required', 'display_name'));
    await addUser('  x ', ['exporter']);
    const submit = screen.getByRole('button', { name: a.users.submit }) as HTMLButtonElement;
    await waitFor(() => expect(submit.disabled).toBe(false));
    await fireEvent.click(submit);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(nl.errors.validation);
    expect(alert.textContent).toContain(nl.fields.display_name);
  });

  it('changes roles with checkboxes', async () => {
    const backend = await setup({}, (b) => b.addUser({ displayName: 'Jo Claes', roles: ['caseworker'], passphrase: GOOD }));
    const set = vi.spyOn(backend, 'setUserRoles');
    await waitFor(() => row('Jo Claes'));
    await fireEvent.click(within(row('Jo Claes')).getByRole('button', { name: a.users.editRoles }));
    const group = screen.getByRole('group', { name: fill(a.users.editRolesOf, { name: 'Jo Claes' }) });
    await fireEvent.click(within(group).getByRole('checkbox', { name: new RegExp(a.role.caseworker) }));
    await fireEvent.click(within(group).getByRole('checkbox', { name: new RegExp(a.role.exporter) }));
    await fireEvent.click(screen.getByRole('button', { name: a.users.saveRoles }));
    await waitFor(() => expect(set).toHaveBeenCalledOnce());
    expect(set.mock.calls[0][1]).toEqual(['exporter']);
    await waitFor(() => expect(row('Jo Claes').textContent).toContain(a.role.exporter));
    expect(row('Jo Claes').textContent).not.toContain(a.role.caseworker);
  });

  it('explains the last-admin refusal', async () => {
    await setup();
    await waitFor(() => row('An Peeters'));
    await fireEvent.click(within(row('An Peeters')).getByRole('button', { name: a.users.editRoles }));
    // Without the admin role, the only admin would be gone: core refuses (conflict).
    const group = screen.getByRole('group', { name: fill(a.users.editRolesOf, { name: 'An Peeters' }) });
    await fireEvent.click(within(group).getByRole('checkbox', { name: new RegExp(a.role.admin) }));
    await fireEvent.click(screen.getByRole('button', { name: a.users.saveRoles }));
    expect((await screen.findByRole('alert')).textContent).toContain(nl.errors.conflict);
    expect(screen.getByText(a.users.conflict)).toBeTruthy();
  });

  it('removes a user after a confirmation that says what happens; nobody removes themself', async () => {
    let id = '';
    const backend = await setup({}, async (b) => {
      id = await b.addUser({ displayName: 'Sam Peeters', roles: ['caseworker'], passphrase: GOOD });
    });
    const remove = vi.spyOn(backend, 'removeUser');
    await waitFor(() => row('Sam Peeters'));
    expect(within(row('An Peeters')).queryByRole('button', { name: a.users.remove })).toBeNull();

    await fireEvent.click(within(row('Sam Peeters')).getByRole('button', { name: a.users.remove }));
    expect(screen.getByText(fill(a.users.removeSlot, { name: 'Sam Peeters' }))).toBeTruthy();
    expect(screen.getByText(a.users.removeRotate)).toBeTruthy();
    expect(remove).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByRole('button', { name: a.users.cancel }));
    expect(screen.queryByText(a.users.removeRotate)).toBeNull();

    await fireEvent.click(within(row('Sam Peeters')).getByRole('button', { name: a.users.remove }));
    await fireEvent.click(screen.getByRole('button', { name: fill(a.users.removeConfirm, { name: 'Sam Peeters' }) }));
    await waitFor(() => expect(remove).toHaveBeenCalledWith(id));
    await waitFor(() => expect(row('Sam Peeters').textContent).toContain(a.users.no));
    expect(within(row('Sam Peeters')).queryByRole('button')).toBeNull();
    await backend.lock();
    await expect(backend.unlock(GOOD)).rejects.toMatchObject({ kind: 'wrong_passphrase' });
  });
});

describe('Beheer: audit log', () => {
  async function audit(options: FakeOptions = {}) {
    const backend = await setup(options);
    await fireEvent.click(await screen.findByRole('tab', { name: a.tabAudit }));
    await screen.findByRole('heading', { name: a.audit.title });
    return backend;
  }

  it('says in words that the log is intact', async () => {
    const backend = await audit();
    const report = await backend.verifyAudit();
    await fireEvent.click(screen.getByRole('button', { name: a.audit.verify }));
    expect((await screen.findByRole('status')).textContent).toBe(fill(a.audit.intact, { entries: report.entries }));
  });

  it('names every edited, missing, reordered entry and a cut-off end', async () => {
    await audit({
      auditProblems: [
        { kind: 'edited', seq: 7 },
        { kind: 'missing', from: 12, to: 14 },
        { kind: 'missing', from: 20, to: 20 },
        { kind: 'broken', seq: 31 },
        { kind: 'tail_missing', last_kept: 58, anchored: 61 },
      ],
    });
    await fireEvent.click(screen.getByRole('button', { name: a.audit.verify }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(a.audit.notIntact);
    const items = within(alert).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual([
      fill(a.audit.problem.edited, { seq: 7 }),
      fill(a.audit.problem.missing, { from: 12, to: 14 }),
      fill(a.audit.problem.missingOne, { from: 20 }),
      fill(a.audit.problem.broken, { seq: 31 }),
      fill(a.audit.problem.tailMissing, { lastKept: 58, anchored: 61 }),
    ]);
  });

  it('lists the log a page at a time, newest first, in the Belgian format, filtered by action', async () => {
    const backend = await audit();
    const total = (await backend.auditEntries({ action: null, offset: 0, limit: 500 })).total;
    const rows = () => [...document.querySelectorAll<HTMLTableRowElement>('#audit-table tbody tr')];
    await waitFor(() => expect(rows()).toHaveLength(AUDIT_PAGE_SIZE));
    const seqs = rows().map((r) => Number(r.cells[0].textContent));
    expect(seqs[0]).toBe(total);
    expect(seqs).toEqual([...seqs].sort((x, y) => y - x));
    expect(rows()[0].cells[1].textContent).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(rows()[0].cells[2].textContent).toBe('An Peeters');
    expect(document.getElementById('audit-range')?.textContent).toBe(
      fill(a.audit.range, { from: 1, to: AUDIT_PAGE_SIZE, total }),
    );

    await fireEvent.click(screen.getByRole('button', { name: a.audit.next }));
    await waitFor(() => expect(Number(rows()[0].cells[0].textContent)).toBe(total - AUDIT_PAGE_SIZE));
    await fireEvent.click(screen.getByRole('button', { name: a.audit.previous }));
    await waitFor(() => expect(Number(rows()[0].cells[0].textContent)).toBe(total));

    const list = vi.spyOn(backend, 'auditEntries');
    await fireEvent.change(screen.getByLabelText(a.audit.filter), { target: { value: 'session.unlock' } });
    await waitFor(() => expect(list).toHaveBeenLastCalledWith({ action: 'session.unlock', offset: 0, limit: AUDIT_PAGE_SIZE }));
    await waitFor(() => expect(rows().every((r) => r.cells[3].textContent === a.action.session_unlock)).toBe(true));
    expect(rows().length).toBeGreaterThan(0);
    expect(rows()[0].cells[4].textContent).toContain(`${a.detailKey.method}: ${a.detailValue.passphrase}`);
  });

  it('offers every action of the core, translated in each language', () => {
    for (const messages of [nlAdmin, frAdmin, enAdmin]) {
      const actions = messages.admin.action as Record<string, string>;
      for (const action of AUDIT_ACTIONS) expect(actions[action.replace(/\./g, '_')], action).toBeTruthy();
    }
  });
});

describe('Beheer: permissions', () => {
  it('shows only the audit log to a worker who may audit but not manage users', async () => {
    const backend = createFakeBackend();
    await backend.unlock(FAKE_PASSPHRASE);
    const session: SessionInfo = { ...(await backend.session()), permissions: ['audit'] };
    render(Admin, { backend, session });
    expect(await screen.findByRole('heading', { name: a.audit.title })).toBeTruthy();
    expect(screen.queryByRole('tab')).toBeNull();
    expect(screen.queryByRole('heading', { name: a.users.title })).toBeNull();
  });
});
