import { describe, expect, it } from 'vitest';
import { checkInvariants, imageProblem, type Manifest } from './invariants.js';

const container = (over: Record<string, unknown> = {}) => ({
  name: 'relay',
  image: 'streamline/relay:dev',
  readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
  livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
  securityContext: { allowPrivilegeEscalation: false },
  ...over,
});
const deployment = (name: string, c = container()): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas: 1, template: { metadata: { labels: { 'app.kubernetes.io/name': name } }, spec: { securityContext: { runAsNonRoot: true }, containers: [c] } } },
});
const pdb = (name: string): Manifest => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { selector: { matchLabels: { 'app.kubernetes.io/name': name } } } });

describe('chart invariants', () => {
  it('accepts a Deployment with probes, resources, non-root and its PDB', () => {
    expect(checkInvariants([deployment('relay'), pdb('relay')], 'dev')).toEqual([]);
  });

  it('names each broken promise', () => {
    const bare = container({ image: 'streamline/relay:latest', readinessProbe: undefined, resources: { requests: { cpu: '1' } }, securityContext: {} });
    const problems = checkInvariants([deployment('relay', bare), { ...deployment('writer'), spec: { template: { spec: { containers: [container({ name: 'w' })] } } } }], 'dev');
    expect(problems).toEqual([
      'Deployment/relay container relay: image streamline/relay:latest is tagged latest',
      'Deployment/relay container relay: no resources.requests.memory',
      'Deployment/relay container relay: no resources.limits.cpu',
      'Deployment/relay container relay: no resources.limits.memory',
      'Deployment/relay container relay: no readinessProbe',
      'Deployment/relay container relay: allowPrivilegeEscalation not false',
      'Deployment/relay: expected one PodDisruptionBudget, found 0',
      'Deployment/writer container w: not runAsNonRoot',
      'Deployment/writer: expected one PodDisruptionBudget, found 0',
    ]);
  });

  it('refuses two PDBs over one Deployment', () => {
    expect(checkInvariants([deployment('relay'), pdb('relay'), { ...pdb('relay'), metadata: { name: 'again' } }], 'dev')).toEqual([
      'Deployment/relay: expected one PodDisruptionBudget, found 2',
    ]);
  });

  it('reads tags after a registry port, and refuses untagged images', () => {
    expect(imageProblem('registry.local:5000/streamline/relay')).toBe('image registry.local:5000/streamline/relay has no tag');
    expect(imageProblem('registry.local:5000/streamline/relay:dev')).toBeUndefined();
  });

  it('holds prod to RF 3 / min ISR 2 / 6 partitions and the cluster sizes', () => {
    const topic: Manifest = { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'KafkaTopic', metadata: { name: 't' }, spec: { partitions: 6, replicas: 2, config: { 'min.insync.replicas': 1 } } };
    const problems = checkInvariants([topic], 'prod');
    expect(problems).toContain('prod: KafkaTopic/t replicas is 2, expected at least 3');
    expect(problems).toContain('prod: KafkaTopic/t min.insync.replicas is 1, expected at least 2');
    expect(problems).toContain('prod: CassandraDatacenter size is undefined, expected at least 3');
    expect(problems.some((p) => p.includes('partitions'))).toBe(false);
    expect(checkInvariants([topic], 'dev')).toEqual([]);
  });
});
