import { Compatibility, registerAvroSchema, type RegistryClient } from '@streamline/clients';
import type { PipelineTopics } from '@streamline/config';
import { usersCreatedSchema, usersProcessedSchema } from '@streamline/user-schema';

/** The registry subject of a topic's values (TopicNameStrategy). */
export const valueSubject = (topic: string): string => `${topic}-value`;

export interface PipelineSubject {
  subject: string;
  schema: Parameters<typeof registerAvroSchema>[2];
}

/**
 * The pipeline's value subjects and the schema each must hold: what the relay writes (created), what
 * the Spark job writes (processed); only those of the topics given.
 */
export function pipelineSubjects(topics: Partial<PipelineTopics>): PipelineSubject[] {
  return [
    ...(topics.created ? [{ subject: valueSubject(topics.created), schema: usersCreatedSchema }] : []),
    ...(topics.processed ? [{ subject: valueSubject(topics.processed), schema: usersProcessedSchema }] : []),
  ];
}

/**
 * Registers each subject's schema under BACKWARD compatibility (set first, so the first version is
 * governed too); idempotent, a schema already there keeps its id. Returns the id per subject.
 */
export async function registerSubjects(registry: RegistryClient, subjects: PipelineSubject[]): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const { subject, schema } of subjects) ids[subject] = await registerAvroSchema(registry, subject, schema, Compatibility.BACKWARD);
  return ids;
}
