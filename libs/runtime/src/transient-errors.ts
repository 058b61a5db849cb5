import { StreamlineError } from './errors.js';

/** Socket-level failures: the peer is down, restarting or unreachable for now. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED', 'ENOTCONN']);

/**
 * SQLSTATEs of a PostgreSQL that is restarting, overloaded or lost the connection: class 08
 * (connection exception), 57P01-57P03 (shutting down, crashed, starting up), 53300 (too many
 * connections), 40001/40P01 (serialization failure, deadlock: the transaction may simply run again).
 */
const PG_TRANSIENT = /^(08...|57P0[1-3]|53300|40001|40P01)$/;

/** node-postgres reports a dropped or failed connection in messages without a SQLSTATE. */
const PG_CONNECTION_MESSAGES = /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed and is not queryable/i;

/** cassandra-driver: no host answered, or the coordinator timed out or was overloaded. */
const CASSANDRA_TRANSIENT = new Set(['NoHostAvailableError', 'OperationTimedOutError', 'BusyConnectionError']);
/** CQL protocol error codes: unavailable, overloaded, bootstrapping, write/read timeout. */
const CQL_TRANSIENT_CODES = new Set([0x1000, 0x1001, 0x1002, 0x1100, 0x1200]);

type ErrorShape = { name?: unknown; code?: unknown; status?: unknown; retriable?: unknown; message?: unknown; response?: { status?: unknown }; cause?: unknown; originalError?: unknown };

function isTransientOne(error: ErrorShape): boolean {
  const { name, code, message } = error;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_TRANSIENT.test(code))) return true;
  if (typeof code === 'number' && CQL_TRANSIENT_CODES.has(code) && name === 'ResponseError') return true;
  if (typeof name === 'string' && CASSANDRA_TRANSIENT.has(name)) return true;
  // kafkajs marks each error it knows to be temporary (connection, leader moves, timeouts).
  if (typeof name === 'string' && name.startsWith('KafkaJS') && error.retriable === true) return true;
  if (name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSConnectionError' || name === 'KafkaJSConnectionClosedError' || name === 'KafkaJSRequestTimeoutError') return true;
  // HTTP (the schema registry): 5xx and 429 pass; 4xx are answers.
  const status = typeof error.status === 'number' ? error.status : error.response?.status;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message)) return true;
  return false;
}

/**
 * Is this a dependency being away for now (a server down, restarting, unreachable, overloaded),
 * which waiting and trying again can mend? A bad query, a refused schema, a bad config or a
 * programming error is not. Looks through the cause chain (`fetch failed` wraps ECONNREFUSED,
 * kafkajs wraps its retries' last error).
 */
export function isTransientDependencyError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth++) {
    // The code that threw it said whether it is worth another try.
    if (current instanceof StreamlineError) return current.retriable;
    const shape = current as ErrorShape;
    if (isTransientOne(shape)) return true;
    current = shape.cause ?? shape.originalError;
  }
  return false;
}

/**
 * A failure of a call to one server, said so by the code that made the call (a refused connection
 * alone does not tell PostgreSQL from Kafka). Worth a retry when its cause is transient.
 */
export class DependencyError extends StreamlineError {
  constructor(
    readonly dependency: string,
    message: string,
    cause: unknown,
  ) {
    super(message, { cause, retriable: isTransientDependencyError(cause) });
  }
}

/** Which server a failure came from, as far as it tells (for the outage log line and /healthz); `fallback` when it does not. */
export function dependencyOf(error: unknown, fallback = 'dependency'): string {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth++) {
    if (current instanceof DependencyError) return current.dependency;
    const { name, code, message, response, cause } = current as ErrorShape;
    if (typeof name === 'string' && name.startsWith('KafkaJS')) return 'kafka';
    if (typeof name === 'string' && (CASSANDRA_TRANSIENT.has(name) || name === 'ResponseError')) return 'cassandra';
    if ((typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) || (typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message))) return 'postgres';
    if (name === 'AxiosError' || response !== undefined || name === 'RestError') return 'schema-registry';
    current = cause;
  }
  return fallback;
}
