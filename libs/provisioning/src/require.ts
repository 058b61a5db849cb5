import type { Admin } from 'kafkajs';
import type { RegistryClient } from '@streamline/clients';
import { StreamlineError } from '@streamline/runtime';
import type { PipelineSubject } from './subjects.js';

/** Where the pipeline's topics and subjects come from, for the one-line error of an app that misses them. */
export const PROVISIONED_BY = 'the stack provisions them (npm run stack -- up; stack-setup in compose)';

/** A topic or subject the app needs is not there: the pipeline was not provisioned (not retried). */
export class NotProvisionedError extends StreamlineError {
  constructor(what: string) {
    super(`${what}: ${PROVISIONED_BY}`, { retriable: false });
  }
}

/** Checks that every topic exists (the apps never create one); throws NotProvisionedError naming the missing. */
export async function requireTopics(admin: Pick<Admin, 'listTopics'>, topics: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((t) => !existing.has(t));
  if (missing.length > 0) throw new NotProvisionedError(`topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing`);
}

/** 404 from the Confluent client: no such subject, or the schema is not among its versions. */
const isNotFound = (error: unknown) => (error as { status?: unknown } | null)?.status === 404;

/**
 * The id under which `subject` holds `schema` (the app's own schema, registered by provisioning);
 * throws NotProvisionedError when the subject does not hold it.
 */
export async function requireSchemaId(registry: RegistryClient, { subject, schema }: PipelineSubject): Promise<number> {
  try {
    return await registry.getId(subject, { schemaType: 'AVRO', schema: typeof schema === 'string' ? schema : JSON.stringify(schema) }, false);
  } catch (error) {
    if (isNotFound(error)) throw new NotProvisionedError(`schema registry subject ${subject} does not hold this app's schema`);
    throw error;
  }
}
