import { connectAdmin, createKafka, createRegistryClient } from '@streamline/clients';
import type { ConnectionConfig, PipelineTopics, TopicLayout } from '@streamline/config';
import { pipelineSubjects, registerSubjects } from './subjects.js';
import { ensureTopics } from './topics.js';

export interface Provisioned {
  /** The topics this call created (the others existed). */
  topicsCreated: string[];
  /** The schema id per subject. */
  schemaIds: Record<string, number>;
}

/**
 * The pipeline's topics, laid out as `layout` says; returns the ones created. A partial set is for a
 * test that runs some apps only (the relay alone needs only its `created` topic).
 */
export async function provisionTopics(kafka: ConnectionConfig['kafka'], topics: Partial<PipelineTopics>, layout: TopicLayout): Promise<string[]> {
  const names = [topics.created, topics.processed, topics.dlq].filter((t): t is string => t !== undefined);
  const admin = await connectAdmin(createKafka({ ...kafka, clientId: 'streamline-provisioning' }, undefined, { quiet: true }));
  try {
    return await ensureTopics(admin, names.map((topic) => ({ topic })), layout);
  } finally {
    await admin.disconnect();
  }
}

/** The value subjects of the pipeline's topics, each with its schema (BACKWARD). */
export async function provisionSubjects(registry: ConnectionConfig['registry'], topics: Partial<PipelineTopics>): Promise<Record<string, number>> {
  return registerSubjects(createRegistryClient(registry), pipelineSubjects(topics));
}

/**
 * Everything the apps need on Kafka and the registry before they start, made once by whoever sets
 * the servers up (the local stack's `up`, compose's stack-setup, a test's isolated run): the
 * topics, then the subjects. Idempotent.
 */
export async function provisionPipeline(connections: Pick<ConnectionConfig, 'kafka' | 'registry'>, topics: Partial<PipelineTopics>, layout: TopicLayout): Promise<Provisioned> {
  const topicsCreated = await provisionTopics(connections.kafka, topics, layout);
  const schemaIds = await provisionSubjects(connections.registry, topics);
  return { topicsCreated, schemaIds };
}
