import type { UserToStage } from '@streamline/user-schema';

/** One user to stage: the API's result as parsed, and its JSON bytes as received where they can be sent as they are. */
export interface StagingItem {
  raw: unknown;
  /**
   * The UTF-8 JSON of `raw` as the source sent it, when PostgreSQL's jsonb reads it exactly as it
   * reads JSON.stringify(raw) (the ingestor's result-bytes.ts says when); otherwise absent.
   */
  rawJson?: Uint8Array | undefined;
  record: UserToStage;
}

/** jsonb's binary input: a version byte, then the JSON text (PostgreSQL's jsonb_recv). */
const JSONB_VERSION = 1;

/**
 * A batch to stage as stageUsers' one parameter: `[{"id":…,"raw":…,"record":…}, …]` in jsonb's
 * binary form, which node-postgres sends as it is (a Buffer parameter goes in binary format).
 * Each raw goes as the bytes it came in when it has them, else as JSON.stringify(raw): no string
 * of the whole batch is built and then encoded to UTF-8 again. Its cost is measured on its own by
 * apps/ingestor/scripts/cpu-per-user.bench.ts.
 */
export function stagingParameter(batch: readonly StagingItem[]): Buffer {
  const records = batch.map((u) => JSON.stringify(u.record));
  const raws = batch.map((u) => u.rawJson ?? JSON.stringify(u.raw));
  // Upper bound: 3 UTF-8 bytes per UTF-16 unit; the fixed text per user is under 64 bytes (the id is a uuid).
  let size = 3;
  for (let k = 0; k < batch.length; k++) size += 64 + 3 * (batch[k]!.record.id.length + records[k]!.length) + (typeof raws[k] === 'string' ? 3 * raws[k]!.length : raws[k]!.length);
  const out = Buffer.allocUnsafe(size);
  out[0] = JSONB_VERSION;
  let at = out.write('[', 1, 'latin1') + 1;
  for (let k = 0; k < batch.length; k++) {
    at += out.write(`${k === 0 ? '' : ','}{"id":${JSON.stringify(batch[k]!.record.id)},"raw":`, at);
    const raw = raws[k]!;
    at += typeof raw === 'string' ? out.write(raw, at) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).copy(out, at);
    at += out.write(',"record":', at, 'latin1');
    at += out.write(records[k]!, at);
    at += out.write('}', at, 'latin1');
  }
  at += out.write(']', at, 'latin1');
  return out.subarray(0, at);
}

/** The JSON text of a parameter stagingParameter made (for tests and checks). */
export function stagingParameterText(parameter: Buffer): string {
  return parameter.subarray(1).toString('utf8');
}
