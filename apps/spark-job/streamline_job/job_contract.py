"""GENERATED from libs/spark-job-contract/job-contract.json by scripts/generate-job-options.ts. Do not edit: run `npm run gen:job-options`."""

# The contract as data, equal to the JSON (tests/test_job_contract.py checks it); options.py
# builds the argparse parser from it, stream.py and realtime_query.py take the query names.
CONTRACT = {
    "$comment": "The one definition of the Spark job's command line and query names. Edit here, then run `npm run gen:job-options` (see README.md).",
    "durationPattern": "^\\d+(\\.\\d+)?\\s+(millisecond|second|minute|hour|day)s?$",
    "queries": {"microbatch": "cleanse", "realtime": "realtime"},
    "options": [
        {"flag": "--bootstrap-servers", "type": "string", "default": "127.0.0.1:9092", "env": "KAFKA_BROKERS", "description": "Kafka bootstrap servers, host:port comma-separated"},
        {"flag": "--source-topic", "type": "string", "default": "users_created", "env": "TOPIC_USERS_CREATED", "description": "input topic (Confluent-framed Avro)"},
        {"flag": "--processed-topic", "type": "string", "default": "users_processed", "env": "TOPIC_USERS_PROCESSED", "description": "output topic of the cleansed users"},
        {"flag": "--dlq-topic", "type": "string", "default": "users_dlq", "env": "TOPIC_USERS_DLQ", "description": "dead-letter topic: invalid or undecodable records, the reason in headers"},
        {"flag": "--registry-url", "type": "string", "default": "http://127.0.0.1:8081/apis/ccompat/v7", "env": "SCHEMA_REGISTRY_URL", "description": "Confluent-API schema registry"},
        {"flag": "--checkpoint-dir", "type": "string", "default": ".stack/data/spark-checkpoints/users_stream", "env": "SPARK_JOB_CHECKPOINT_DIR", "description": "checkpoint root, one subdirectory per query; on storage the driver and the executors see at the same path"},
        {"flag": "--trigger-seconds", "type": "number", "default": 5, "env": "SPARK_JOB_TRIGGER_SECONDS", "exclusiveMinimum": 0, "description": "micro-batch mode: the trigger interval in seconds"},
        {"flag": "--watermark", "type": "duration", "default": "10 minutes", "env": "SPARK_JOB_WATERMARK", "description": "micro-batch mode: the dedupe window, on processing time (when the job first saw the id), not the Kafka timestamp"},
        {"flag": "--starting-offsets", "type": "offsets", "default": "earliest", "env": "SPARK_JOB_STARTING_OFFSETS", "description": "earliest, latest or Spark offsets JSON; first start only, later starts resume from the checkpoint"},
        {"flag": "--max-offsets-per-trigger", "type": "integer", "default": 50000, "env": "SPARK_JOB_MAX_OFFSETS_PER_TRIGGER", "minimum": 1, "description": "micro-batch mode: records per micro-batch at most (back-pressure)"},
        {"flag": "--fail-on-data-loss", "type": "boolean", "default": True, "description": "fail when offsets were deleted before being read"},
        {"flag": "--processed-schema-id", "type": "integer", "default": None, "minimum": 1, "description": "the writer schema id of the processed records (the launcher's registration); unset: the latest of <processed-topic>-value"},
        {"flag": "--app-name", "type": "string", "default": "streamline-users-stream", "env": "SPARK_JOB_APP_NAME", "pattern": "^[A-Za-z0-9_.-]{1,100}$", "patternHint": "1-100 letters, digits, _ . or -", "description": "Spark application name"},
        {"flag": "--stop-file", "type": "string", "default": None, "description": "when this file appears, finish the batch in flight and exit 0 (the launcher's, per run)"},
        {"flag": "--supervisor-pid", "type": "integer", "default": None, "minimum": 1, "description": "stop gracefully when this process is gone (the launcher's pid)"},
        {"flag": "--stop-timeout-seconds", "type": "number", "default": 30, "env": "SPARK_JOB_STOP_TIMEOUT_SECONDS", "exclusiveMinimum": 0, "description": "micro-batch mode: how long to wait for the batch in flight on stop"},
        {"flag": "--mode", "type": "string", "default": "realtime", "env": "SPARK_JOB_MODE", "choices": ["microbatch", "realtime"], "description": "realtime: Spark's Real-time Mode, stateless, lowest latency; microbatch: foreachBatch every --trigger-seconds, with the dedupe"},
        {"flag": "--realtime-batch-duration", "type": "duration", "default": "5 minutes", "env": "SPARK_JOB_REALTIME_BATCH_DURATION", "description": "realtime mode: how long each long-running batch lasts, which is the checkpoint interval"},
        {"flag": "--warm-up-users", "type": "integer", "default": 3000, "env": "SPARK_JOB_WARM_UP_USERS", "minimum": 0, "description": "made-up users run through decode, cleanse and encode on the executors before the query starts, so the first real ones do not wait for cold JVMs; 0: none"},
    ],
}

OPTIONS = CONTRACT["options"]
QUERY_NAMES = CONTRACT["queries"]
DURATION_PATTERN = CONTRACT["durationPattern"]
