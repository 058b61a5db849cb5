// The one line over the cluster table: how many of the pipeline's partitions have every replica in
// sync, and which do not (under-replicated: writes wait on fewer copies; offline: no leader at all).
import type { MonitorState } from './state.js';

type KafkaCluster = MonitorState['cluster']['kafka'];

export function partitionsSummary(kafka: KafkaCluster): { text: string; warn: boolean } {
  if (!kafka) return { text: 'Kafka cluster not read (see the errors above)', warn: true };
  const inSync = kafka.partitions - kafka.degraded.length;
  const head = `${inSync} of ${kafka.partitions} partitions in sync`;
  if (kafka.degraded.length === 0) return { text: head, warn: false };
  const under = kafka.degraded.filter((p) => !p.offline).map((p) => `${p.topic}/${p.partition} (${p.inSync} of ${p.replicas})`);
  const offline = kafka.degraded.filter((p) => p.offline).map((p) => `${p.topic}/${p.partition}`);
  return {
    text: [head, under.length ? `under-replicated: ${under.join(', ')}` : '', offline.length ? `offline: ${offline.join(', ')}` : ''].filter(Boolean).join('; '),
    warn: true,
  };
}

/** An instance's name on the page: the app alone, or with its host when the app runs as several. */
export function instanceName(app: string, url: string, instancesOfApp: number): string {
  return instancesOfApp > 1 ? `${app} (${new URL(url).host})` : app;
}
