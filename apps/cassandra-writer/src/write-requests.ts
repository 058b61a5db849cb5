/**
 * Groups rows into write requests: rows whose partitions the same replica owns, at most `size` per
 * request, in input order within a group. Such an UNLOGGED batch goes to a replica of every row
 * in it, so it costs the cluster no extra hop, and one request instead of `size` costs Cassandra
 * and the driver less CPU per row (bench: ~50 -> ~40 µs on the server, ~23 -> ~12 µs in the driver).
 */
export function planWriteRequests<T>(rows: readonly T[], size: number, replicaOf: (row: T) => string): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`rows per request must be a positive integer, got ${size}`);
  const open = new Map<string, T[]>();
  const requests: T[][] = [];
  for (const row of rows) {
    const replica = replicaOf(row);
    let request = open.get(replica);
    if (!request) {
      request = [];
      open.set(replica, request);
      requests.push(request);
    }
    request.push(row);
    if (request.length === size) open.delete(replica);
  }
  return requests;
}
