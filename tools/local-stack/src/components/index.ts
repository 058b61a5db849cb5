import type { Component } from '../component.js';
import { postgres } from './postgres.js';
import { schemaRegistry } from './schema-registry.js';
import { sparkMaster, sparkWorker } from './spark.js';

/** Every server of the local stack, in a sensible start order (dependencies are declared too). */
export const components: Component[] = [postgres, schemaRegistry, sparkMaster, sparkWorker];
