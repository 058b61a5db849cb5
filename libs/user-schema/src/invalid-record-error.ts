import { StreamlineError } from '@streamline/runtime';

/** A record that cannot be mapped: names the field at fault and the value it had, in one line. */
export class InvalidRecordError extends StreamlineError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`invalid record: ${field}=${preview(value)}: ${reason}`);
  }
}

function preview(value: unknown): string {
  const text = value === undefined ? '(missing)' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
