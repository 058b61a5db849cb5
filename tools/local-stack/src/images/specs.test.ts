import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_IMAGE, IMAGE_SPECS, selectSpecs, tagOf } from './specs.js';

const deploy = join(import.meta.dirname, '..', '..', '..', '..', 'deploy');
// The stack and its ZooKeeper-mode override.
const compose = ['docker-compose.yml', 'docker-compose.zookeeper.yml'].map((f) => readFileSync(join(deploy, f), 'utf8')).join('\n');
/** `image: ${KAFKA_IMAGE:-streamline/kafka:3.9.1}` -> [KAFKA_IMAGE, streamline/kafka:3.9.1] */
const composeImages = [...compose.matchAll(/^\s+image: \$\{([A-Z_]+)_IMAGE:-([^}]+)\}$/gm)].map((m) => ({ variable: m[1]!, tag: m[2]! }));

describe('image specs', () => {
  it('names each image the compose file runs, with the tag npm run images builds (no drift)', () => {
    expect(composeImages.length).toBeGreaterThanOrEqual(13);
    expect(composeImages.map((i) => i.variable)).toEqual(expect.arrayContaining(['AIRFLOW', 'ZOOKEEPER']));
    for (const { variable, tag } of composeImages) {
      const spec = IMAGE_SPECS.find((s) => s.name.toUpperCase().replace(/-/g, '_') === variable);
      expect(spec?.tag, `${variable}_IMAGE`).toBe(tag);
    }
    // Every compose service names its image through a variable (users with Docker Hub may swap it).
    expect(compose.match(/^\s+image: /gm)?.length).toBe(composeImages.length);
  });

  it('builds the images an image is made from first, each once', () => {
    const names = selectSpecs(['spark-launcher']).map((s) => s.name);
    expect(names).toEqual(['jre', 'spark', 'node', 'spark-launcher']);
    expect(selectSpecs([]).length).toBe(IMAGE_SPECS.length);
    for (const [i, spec] of IMAGE_SPECS.entries()) {
      for (const from of Object.values(spec.from)) {
        if (from !== 'base') expect(IMAGE_SPECS.findIndex((s) => s.name === from), `${spec.name} from ${from}`).toBeLessThan(i);
      }
    }
  });

  it('refuses an unknown image by name, listing the known ones', () => {
    expect(() => selectSpecs(['kafak'])).toThrow(/unknown image kafak: expected one of base, jre, postgres, kafka/);
    expect(tagOf('base')).toBe(BASE_IMAGE);
  });
});
