import type { UserToStage } from '@streamline/user-schema';
import { type ParameterBuffers, freshBuffers } from './parameter-buffers.js';

/** One user to stage: the source's result as parsed, the record mapped from it, and where it has them, the result's JSON bytes as they came. */
export interface StagingItem {
  raw: unknown;
  /**
   * `raw` as UTF-8 JSON that PostgreSQL's jsonb reads exactly as it reads JSON.stringify(raw)
   * (numbers spelt as JavaScript writes them, no `\u` escape: the ingestor's result-bytes.ts says
   * when); absent, `raw` is serialized here. Sent as it is, never parsed or encoded again.
   */
  rawJson?: Uint8Array | undefined;
  record: UserToStage;
}

/** jsonb's binary input (PostgreSQL's jsonb_recv): a version byte, then the JSON text. */
const JSONB_VERSION = 1;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const encoder = new TextEncoder();

/**
 * A batch as stageUsers' one parameter: `[[raw, ...], [record, ...]]` in jsonb's binary form (a
 * Buffer, which node-postgres sends as it is, in binary format), the k-th raw belonging with the
 * k-th record. The raws are the bytes they came in where the caller has them; the records are
 * serialized in one JSON.stringify and encoded to UTF-8 in one pass, into the same buffer. Before,
 * one JSON.stringify of every user's {id, raw, record}, which node-postgres then measured and
 * encoded to UTF-8 (two more passes over it), was half of the ingestor's own CPU. One buffer, not
 * one per array: every buffer is copied again into node-postgres's message, whose growth
 * allocates more for a second one, and the garbage collector runs on what is allocated outside
 * its heap too. Built in a buffer from `buffers` (stageUsers reuses a few: parameter-buffers.ts).
 */
export function stagingParameter(batch: readonly StagingItem[], buffers: ParameterBuffers = freshBuffers): Buffer {
  const raws: Uint8Array[] = new Array<Uint8Array>(batch.length);
  let rawBytes = 0;
  for (let k = 0; k < batch.length; k++) {
    const item = batch[k]!;
    const part = item.rawJson ?? Buffer.from(JSON.stringify(item.raw));
    raws[k] = part;
    rawBytes += part.length + 1;
  }
  const records = JSON.stringify(batch.map((u) => u.record));
  // Room for the records at a little more than one byte a character (names and places beyond
  // ASCII take two or three): encoded in one pass without measuring them first; what does not fit
  // goes into a larger buffer (at most 3 bytes of UTF-8 per UTF-16 unit).
  let out = buffers.take(8 + rawBytes + records.length + (records.length >> 3) + 16);
  out[0] = JSONB_VERSION;
  out[1] = OPEN_BRACKET;
  out[2] = OPEN_BRACKET;
  let at = 3;
  for (let k = 0; k < raws.length; k++) {
    if (k > 0) out[at++] = COMMA;
    out.set(raws[k]!, at);
    at += raws[k]!.length;
  }
  out[at++] = CLOSE_BRACKET;
  out[at++] = COMMA;
  let { read, written } = encoder.encodeInto(records, out.subarray(at, out.length - 1));
  while (read < records.length) {
    const larger = buffers.take(at + written + 3 * (records.length - read) + 1);
    out.copy(larger, 0, 0, at + written);
    buffers.give(out);
    out = larger;
    const more = encoder.encodeInto(records.slice(read), out.subarray(at + written, out.length - 1));
    read += more.read;
    written += more.written;
  }
  at += written;
  out[at++] = CLOSE_BRACKET;
  return out.subarray(0, at);
}

/** The JSON text of a parameter stagingParameter made (for tests and checks). */
export function stagingParameterText(parameter: Uint8Array): string {
  if (parameter[0] !== JSONB_VERSION) throw new Error(`not a binary jsonb parameter: version byte ${parameter[0]}`);
  return Buffer.from(parameter.buffer, parameter.byteOffset + 1, parameter.byteLength - 1).toString('utf8');
}
