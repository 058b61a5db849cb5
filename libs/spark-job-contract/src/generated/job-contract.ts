// GENERATED from libs/spark-job-contract/job-contract.json by scripts/generate-job-options.ts. Do not edit: run `npm run gen:job-options`.

/** The job's options by name (the flag in camelCase), in the order of `--help`. */
export const JOB_OPTIONS = {
  bootstrapServers: {"flag":"--bootstrap-servers","type":"string","default":"127.0.0.1:9092","env":"KAFKA_BROKERS","description":"Kafka bootstrap servers, host:port comma-separated"},
  sourceTopic: {"flag":"--source-topic","type":"string","default":"users_created","env":"TOPIC_USERS_CREATED","description":"input topic (Confluent-framed Avro)"},
  processedTopic: {"flag":"--processed-topic","type":"string","default":"users_processed","env":"TOPIC_USERS_PROCESSED","description":"output topic of the cleansed users"},
  dlqTopic: {"flag":"--dlq-topic","type":"string","default":"users_dlq","env":"TOPIC_USERS_DLQ","description":"dead-letter topic: invalid or undecodable records, the reason in headers"},
  registryUrl: {"flag":"--registry-url","type":"string","default":"http://127.0.0.1:8081/apis/ccompat/v7","env":"SCHEMA_REGISTRY_URL","description":"Confluent-API schema registry"},
  checkpointDir: {"flag":"--checkpoint-dir","type":"string","default":".stack/data/spark-checkpoints/users_stream","env":"SPARK_JOB_CHECKPOINT_DIR","description":"checkpoint root, one subdirectory per query; on storage the driver and the executors see at the same path"},
  triggerSeconds: {"flag":"--trigger-seconds","type":"number","default":5,"env":"SPARK_JOB_TRIGGER_SECONDS","exclusiveMinimum":0,"description":"micro-batch mode: the trigger interval in seconds"},
  watermark: {"flag":"--watermark","type":"duration","default":"10 minutes","env":"SPARK_JOB_WATERMARK","description":"micro-batch mode: the dedupe window, on processing time (when the job first saw the id), not the Kafka timestamp"},
  startingOffsets: {"flag":"--starting-offsets","type":"offsets","default":"earliest","env":"SPARK_JOB_STARTING_OFFSETS","description":"earliest, latest or Spark offsets JSON; first start only, later starts resume from the checkpoint"},
  maxOffsetsPerTrigger: {"flag":"--max-offsets-per-trigger","type":"integer","default":50000,"env":"SPARK_JOB_MAX_OFFSETS_PER_TRIGGER","minimum":1,"description":"micro-batch mode: records per micro-batch at most (back-pressure)"},
  failOnDataLoss: {"flag":"--fail-on-data-loss","type":"boolean","default":true,"description":"fail when offsets were deleted before being read"},
  processedSchemaId: {"flag":"--processed-schema-id","type":"integer","default":null,"minimum":1,"description":"the writer schema id of the processed records (the launcher's registration); unset: the latest of <processed-topic>-value"},
  appName: {"flag":"--app-name","type":"string","default":"streamline-users-stream","env":"SPARK_JOB_APP_NAME","pattern":"^[A-Za-z0-9_.-]{1,100}$","patternHint":"1-100 letters, digits, _ . or -","description":"Spark application name"},
  stopFile: {"flag":"--stop-file","type":"string","default":null,"description":"when this file appears, finish the batch in flight and exit 0 (the launcher's, per run)"},
  supervisorPid: {"flag":"--supervisor-pid","type":"integer","default":null,"minimum":1,"description":"stop gracefully when this process is gone (the launcher's pid)"},
  stopTimeoutSeconds: {"flag":"--stop-timeout-seconds","type":"number","default":30,"env":"SPARK_JOB_STOP_TIMEOUT_SECONDS","exclusiveMinimum":0,"description":"micro-batch mode: how long to wait for the batch in flight on stop"},
  mode: {"flag":"--mode","type":"string","default":"realtime","env":"SPARK_JOB_MODE","choices":["microbatch","realtime"],"description":"realtime: Spark's Real-time Mode, stateless, lowest latency; microbatch: foreachBatch every --trigger-seconds, with the dedupe"},
  realtimeBatchDuration: {"flag":"--realtime-batch-duration","type":"duration","default":"5 minutes","env":"SPARK_JOB_REALTIME_BATCH_DURATION","description":"realtime mode: how long each long-running batch lasts, which is the checkpoint interval"},
  warmUpUsers: {"flag":"--warm-up-users","type":"integer","default":3000,"env":"SPARK_JOB_WARM_UP_USERS","minimum":0,"description":"made-up users run through decode, cleanse and encode on the executors before the query starts, so the first real ones do not wait for cold JVMs; 0: none"},
} as const;

/** The streaming query of each --mode, also its subdirectory of --checkpoint-dir. */
export const JOB_QUERY_NAMES = {"microbatch":"cleanse","realtime":"realtime"} as const;

/** What a duration option (e.g. --watermark) accepts, as Spark reads it. */
export const DURATION_PATTERN = "^\\d+(\\.\\d+)?\\s+(millisecond|second|minute|hour|day)s?$";

/** The events the job reports, by name: each one JSON line with this `msg` and these fields (see src/job-events.ts). */
export const JOB_EVENTS = {
  queryStarted: {"msg":"query started","fields":[{"name":"query","type":"string","required":true},{"name":"mode","type":"string","required":true},{"name":"sourceTopic","type":"string","required":true},{"name":"processedTopic","type":"string","required":true},{"name":"dlqTopic","type":"string","required":true},{"name":"writerSchemaIds","type":"integers","required":true},{"name":"processedSchemaId","type":"integer","required":true},{"name":"checkpoint","type":"string","required":true},{"name":"applicationId","type":"string","required":true},{"name":"batchDuration","type":"string","required":false},{"name":"unregisteredSchemaIds","type":"integers","required":false}]},
  committedPosition: {"msg":"committed position","fields":[{"name":"query","type":"string","required":true},{"name":"topic","type":"string","required":true},{"name":"batch","type":"integer","required":false},{"name":"offsets","type":"offsets","required":false},{"name":"fromQuery","type":"string","required":false},{"name":"resumed","type":"boolean","required":true}]},
  batchWritten: {"msg":"batch written","fields":[{"name":"batch","type":"integer","required":true},{"name":"records","type":"integer","required":true},{"name":"processed","type":"integer","required":true},{"name":"dlq","type":"integer","required":true},{"name":"durationMs","type":"integer","required":true},{"name":"unknownSchemaIds","type":"integers","required":false}]},
  queryProgress: {"msg":"query progress","fields":[{"name":"batch","type":"integer","required":true},{"name":"inputRows","type":"integer","required":true},{"name":"inputRowsPerSecond","type":"number","required":true},{"name":"processedRowsPerSecond","type":"number","required":true},{"name":"durationMs","type":"integer","required":true},{"name":"offsetsBehind","type":"integer","required":false}]},
  jobFailed: {"msg":"job failed","fields":[{"name":"error","type":"string","required":true},{"name":"trace","type":"string","required":true}]},
} as const;

/** `query started`: the streaming query started (again, after a restart on new writer schemas): the launcher's state becomes running. */
export interface QueryStartedEvent {
  event: "queryStarted";
  /** the query's name (one per mode, see queries) */
  query: string;
  /** the --mode it runs in */
  mode: string;
  /** the topic it reads */
  sourceTopic: string;
  /** the topic of the cleansed users */
  processedTopic: string;
  /** the dead-letter topic */
  dlqTopic: string;
  /** the writer schema ids it decodes */
  writerSchemaIds: number[];
  /** the schema id of the records it writes */
  processedSchemaId: number;
  /** the query's checkpoint directory */
  checkpoint: string;
  /** Spark's application id */
  applicationId: string;
  /** realtime mode: each batch's duration */
  batchDuration: string | null;
  /** realtime mode: ids met in records but not registered (their records go to the DLQ) */
  unregisteredSchemaIds: number[] | null;
}

/** `committed position`: where the query stands on its source topic: at its start, the batch it resumes after; then after each committed batch (micro-batch: each trigger; realtime: each batch end). */
export interface CommittedPositionEvent {
  event: "committedPosition";
  /** the query's name */
  query: string;
  /** the source topic */
  topic: string;
  /** the last committed batch of this query; absent before its first commit */
  batch: number | null;
  /** next offset per partition of the source topic; absent when the query starts with none committed (it reads from --starting-offsets) */
  offsets: Record<string, number> | null;
  /** at a start after a mode switch: the other mode's query whose last commit the offsets are */
  fromQuery: string | null;
  /** true at the query's start (read from the checkpoint), false after a batch it committed */
  resumed: boolean;
}

/** `batch written`: a batch's records were written (processed and DLQ counts); not sent for a batch with no records. */
export interface BatchWrittenEvent {
  event: "batchWritten";
  /** the batch id */
  batch: number;
  /** records read */
  records: number;
  /** records written to the processed topic */
  processed: number;
  /** records written to the dead-letter topic */
  dlq: number;
  /** the batch's duration */
  durationMs: number;
  /** micro-batch mode: writer schema ids of the batch that are not registered */
  unknownSchemaIds: number[] | null;
}

/** `query progress`: Spark's StreamingQueryProgress after each batch, reduced to what the launcher exports. */
export interface QueryProgressEvent {
  event: "queryProgress";
  /** the batch id */
  batch: number;
  /** rows the batch read */
  inputRows: number;
  /** input rate */
  inputRowsPerSecond: number;
  /** processing rate */
  processedRowsPerSecond: number;
  /** the batch's whole trigger execution */
  durationMs: number;
  /** Kafka source: records between the batch's end offsets and the latest ones (max over partitions); absent when Spark does not say */
  offsetsBehind: number | null;
}

/** `job failed`: the job's last word before it exits 1. */
export interface JobFailedEvent {
  event: "jobFailed";
  /** the error's type and first line */
  error: string;
  /** the Python traceback */
  trace: string;
}

/** Any event the job reports (parseJobEvent turns a job line into one). */
export type JobEvent = QueryStartedEvent | CommittedPositionEvent | BatchWrittenEvent | QueryProgressEvent | JobFailedEvent;
