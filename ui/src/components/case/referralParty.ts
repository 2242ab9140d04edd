// Whose side a referral event is on, when that is not the worker's own organisation: the
// button and the confirmation then say "on behalf of CAW Brussel". A service outside the
// network does not use Schakel, so the sender records its answers on its behalf.
import type { NextEvent } from '../../lib/bindings/NextEvent';
import type { Partner } from '../../lib/bindings/Partner';
import type { ReferralWithEvents } from '../../lib/bindings/ReferralWithEvents';

export function onBehalfOf(
  referral: ReferralWithEvents,
  next: NextEvent,
  ownPartner: string,
  partners: Partner[],
): string | null {
  if (next.side === 'receiver' && !referral.to_partner_id) return referral.outside_service;
  if (next.partner_id === ownPartner) return null;
  return partners.find((p) => p.id === next.partner_id)?.name ?? null;
}
