export declare const APPS: readonly ['ingestor', 'relay', 'spark-launcher', 'cassandra-writer', 'user-query', 'monitor'];
export type AppName = (typeof APPS)[number];
export declare const APP_NODE_OPTIONS: Readonly<Partial<Record<AppName, readonly string[]>>>;
export declare const repoRoot: string;
export declare function appCommand(app: AppName, args?: readonly string[], root?: string): { command: string; args: string[]; cwd: string };
