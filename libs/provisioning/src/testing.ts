import { loadTopicLayout, type ConnectionConfig, type PipelineTopics } from '@streamline/config';
import { provisionPipeline, type Provisioned } from './provision.js';

// For tests only (the '@streamline/provisioning/testing' entry point).

/**
 * What a test's own apps need before they start, made as the stack makes its own (the apps only
 * check): the given topics, laid out as TOPIC_* say, and the subjects of `created` / `processed`.
 */
export function provisionForTest(connections: Pick<ConnectionConfig, 'kafka' | 'registry'>, topics: Partial<PipelineTopics>): Promise<Provisioned> {
  return provisionPipeline(connections, topics, loadTopicLayout(process.env));
}
