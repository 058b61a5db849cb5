/**
 * Where `tools/local-stack/src/debezium-connect.ts install` put Kafka Connect, Debezium and the
 * Apicurio converter: the one JSON line it prints, read by the bench that runs it as a subprocess.
 */
export interface DebeziumConnectInstall {
  /** Java 17 */
  java: string;
  /** The Connect runtime's jars (`-cp '<lib>/*'`). */
  lib: string;
  /** Connect's `plugin.path`: the connector and the converter, one folder each. */
  pluginPath: string;
  home: string;
  versions: { connect: string; debezium: string; apicurioConverter: string };
}
