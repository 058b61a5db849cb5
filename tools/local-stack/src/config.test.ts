import { describe, expect, it } from 'vitest';
import { loadStackConfig } from './config.js';

describe('loadStackConfig', () => {
  it('puts everything under one folder and checks heap sizes and modes', () => {
    const config = loadStackConfig({}, '/repo');
    expect(config.dir).toBe('/repo/.stack');
    expect(config.cacheDir).toBe('/repo/.stack/cache');
    expect(config.kafkaMode).toBe('kraft');
    expect(() => loadStackConfig({ KAFKA_HEAP: '512' }, '/repo')).toThrow(/invalid KAFKA_HEAP="512"/);
    expect(() => loadStackConfig({ KAFKA_MODE: 'zk' }, '/repo')).toThrow(/invalid KAFKA_MODE="zk"/);
  });
});
