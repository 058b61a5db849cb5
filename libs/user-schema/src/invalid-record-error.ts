import { StreamlineError } from '@streamline/runtime';

/** A record that cannot be mapped: names the field at fault and the value it had, in one line. */
export class InvalidRecordError extends StreamlineError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`invalid record: ${printable(field, 100)}=${preview(value)}: ${reason}`);
  }
}

/**
 * At most ~60 characters of the value, never a throw: a string is cut before it is quoted (a 5 MB
 * name is not copied), and an object or array is only described (JSON.stringify of one nested
 * thousands deep throws, and of a huge one allocates it all).
 */
function preview(value: unknown): string {
  if (value === undefined) return '(missing)';
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.length > 60 ? value.slice(0, 60) : value);
  else if (Array.isArray(value)) text = `(array of ${value.length})`;
  else if (value !== null && typeof value === 'object') text = `(object of ${Object.keys(value).length} keys)`;
  else text = String(value);
  return printable(text, 60);
}

/** One printable line of at most `max` characters (a field path can hold any key the source sent). */
function printable(text: string, max: number): string {
  const line = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}
