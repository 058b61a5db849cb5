import { StreamlineError } from '@streamline/runtime';

/** A value the writer schema cannot encode: the data is wrong, so retrying cannot help. */
export class RecordEncodeError extends StreamlineError {
  constructor(
    readonly subject: string,
    readonly schemaId: number,
    readonly mismatches: string[],
    cause: unknown,
  ) {
    super(`does not fit ${subject} (schema id ${schemaId}): ${mismatches.length > 0 ? mismatches.join('; ') : String((cause as Error)?.message ?? cause)}`, { cause });
  }
}

/** The registry's compatibility rule refused a new schema version (HTTP 409): a code change, not an outage. */
export class SchemaRefusedError extends StreamlineError {
  constructor(
    readonly subject: string,
    reason: string,
    cause: unknown,
  ) {
    super(`the schema registry refused the new schema of ${subject} as incompatible with its versions: ${reason}`, { cause });
  }
}
