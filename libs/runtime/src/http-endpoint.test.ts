import { describe, expect, it } from 'vitest';
import { createAppMetrics } from './app-metrics.js';
import { createHealth } from './health.js';
import { PortInUseError, startHttpEndpoint } from './http-endpoint.js';

describe('startHttpEndpoint', () => {
  it('serves /healthz (503 until started, 200 when ready, 503 when a dependency is down) and /metrics', async () => {
    const health = createHealth();
    const metrics = createAppMetrics('test-app');
    const stage = metrics.stage('relay');
    const endpoint = await startHttpEndpoint({ host: '127.0.0.1', port: 0, portVariable: 'TEST_HTTP_PORT', registry: metrics.registry, health });
    try {
      expect((await fetch(`${endpoint.url}/healthz`)).status).toBe(503);
      health.started();
      const ready = await fetch(`${endpoint.url}/healthz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', ready: true });
      health.down('kafka', 'connection refused');
      const degraded = await fetch(`${endpoint.url}/healthz`);
      expect(degraded.status).toBe(503);
      expect(await degraded.json()).toMatchObject({ status: 'degraded', dependencies: { kafka: { up: false, reason: 'connection refused' } } });

      stage.recordsIn(3);
      stage.recordsOut(2);
      stage.recordsOut(1, 'dlq');
      stage.batch(3, 0.02);
      const res = await fetch(`${endpoint.url}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toContain('streamline_records_in_total{stage="relay",app="test-app"} 3');
      expect(text).toContain('streamline_records_out_total{stage="relay",outcome="dlq",app="test-app"} 1');
      expect(text).toMatch(/^streamline_batch_duration_seconds_count\{[^}]*stage="relay"[^}]*\} 1$/m);
      expect(text).toMatch(/^process_cpu_seconds_total\{app="test-app"\} /m);
      expect((await fetch(`${endpoint.url}/nope`)).status).toBe(404);
    } finally {
      await endpoint.close();
    }
  });

  it('names the variable to change when the port is taken', async () => {
    const health = createHealth();
    const { registry } = createAppMetrics('a');
    const first = await startHttpEndpoint({ host: '127.0.0.1', port: 0, portVariable: 'X_HTTP_PORT', registry, health });
    const port = Number(new URL(first.url).port);
    try {
      const second = startHttpEndpoint({ host: '127.0.0.1', port, portVariable: 'X_HTTP_PORT', registry, health });
      await expect(second).rejects.toThrow(PortInUseError);
      await expect(second).rejects.toThrow(`X_HTTP_PORT=${port}: port in use on 127.0.0.1; set X_HTTP_PORT to a free port (0: any)`);
    } finally {
      await first.close();
    }
  });
});
