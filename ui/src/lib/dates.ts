// Belgian date format: dd/mm/yyyy for display and input; ISO (yyyy-mm-dd) on the wire.

const ISO = /^(\d{4})-(\d{2})-(\d{2})/;
const BE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** Unix milliseconds → `25/11/2026 10:30`, in local time. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `2026-11-25` (or an ISO timestamp) → `25/11/2026`. Empty for null; input unchanged if not ISO. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = ISO.exec(iso);
  if (!m) return iso;
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/** `25/11/2026` (also `5/1/2026`, `25.11.2026`, or ISO) → `2026-11-25`; null if not a real date. */
export function parseDate(text: string): string | null {
  const s = text.trim();
  let y: number, mo: number, d: number;
  const be = BE.exec(s);
  const iso = ISO.exec(s);
  if (be) {
    [d, mo, y] = [Number(be[1]), Number(be[2]), Number(be[3])];
  } else if (iso && iso[0].length === s.length) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else {
    return null;
  }
  if (!isRealDate(y, mo, d)) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}
