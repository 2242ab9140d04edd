// ErrorMessage shows `fields.<field>` for a validation error, and the raw field name when
// that key is missing. The panels name their own fields: this puts the translated label in
// the error's place, so the worker reads "Check the field: Reason for declining".
import { BackendError } from '../../lib/backend';

export function withFieldLabel(error: unknown, labels: Record<string, string>): BackendError | null {
  if (error == null) return null;
  const err = BackendError.from(error);
  const label = err.field ? labels[err.field] : undefined;
  return label ? new BackendError(err.kind, err.message, label, err.problems) : err;
}

/** The core's field of a validation error, if any. */
export function errorField(error: unknown): string | null {
  if (error == null) return null;
  const err = BackendError.from(error);
  return err.kind === 'validation' ? (err.field ?? null) : null;
}
