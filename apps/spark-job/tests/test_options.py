import pytest

from streamline_job.options import build_parser, parse_options


def test_defaults_match_the_local_stack_and_the_contract():
    o = parse_options([])
    assert o.bootstrap_servers == "127.0.0.1:9092"
    assert o.registry_url == "http://127.0.0.1:8081/apis/ccompat/v7"
    assert (o.source_topic, o.processed_topic, o.dlq_topic) == ("users_created", "users_processed", "users_dlq")
    assert (o.source_subject, o.processed_subject) == ("users_created-value", "users_processed-value")
    assert o.checkpoint_dir == ".stack/data/spark-checkpoints/users_stream"
    assert o.trigger_seconds == 5.0
    assert o.watermark == "10 minutes"
    assert o.starting_offsets == "earliest"
    assert o.fail_on_data_loss is True
    assert o.processed_schema_id is None
    assert o.mode == "realtime"
    assert o.realtime_batch_duration == "5 minutes"
    assert (o.max_offsets_per_trigger, o.stop_timeout_seconds, o.warm_up_users) == (50000, 30.0, 3000)
    assert o.app_name == "streamline-users-stream" and o.stop_file is None and o.supervisor_pid is None


def test_overrides():
    o = parse_options(
        ["--source-topic", "a", "--processed-topic", "b", "--dlq-topic", "c", "--trigger-seconds", "0.5",
         "--watermark", "30 seconds", "--starting-offsets", "latest", "--processed-schema-id", "12",
         "--fail-on-data-loss", "false", "--supervisor-pid", "42", "--stop-file", "/tmp/x"]
    )
    assert (o.source_subject, o.processed_subject, o.dlq_topic) == ("a-value", "b-value", "c")
    assert o.trigger_seconds == 0.5 and o.watermark == "30 seconds" and o.starting_offsets == "latest"
    assert o.processed_schema_id == 12 and o.fail_on_data_loss is False
    assert o.supervisor_pid == 42 and o.stop_file == "/tmp/x"


def test_realtime_mode_and_its_batch_duration():
    o = parse_options(["--mode", "realtime", "--realtime-batch-duration", "5 minutes"])
    assert (o.mode, o.realtime_batch_duration) == ("realtime", "5 minutes")
    assert parse_options(["--mode", "microbatch"]).mode == "microbatch"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--watermark", "ten"], 'invalid duration "ten"'),
        (["--trigger-seconds", "0"], 'invalid value "0"'),
        (["--starting-offsets", "first"], 'invalid starting offsets "first"'),
        (["--max-offsets-per-trigger", "-5"], 'invalid value "-5"'),
        (["--fail-on-data-loss", "maybe"], 'invalid boolean "maybe"'),
        (["--mode", "continuous"], 'invalid mode "continuous": expected microbatch or realtime'),
        (["--realtime-batch-duration", "30"], 'invalid duration "30"'),
        (["--starting-offsets", "{not json"], 'invalid starting offsets "{not json"'),
        (["--starting-offsets", "[1]"], 'invalid starting offsets "[1]"'),
        (["--warm-up-users", "-1"], 'invalid value "-1": expected a whole number of at least 0'),
        (["--warm-up-users", "\u00b2"], 'invalid value "\u00b2": expected a whole number of at least 0'),
        (["--app-name", "app\n"], 'invalid app-name "app\n"'),
        (["--stop-timeout-seconds", "nan"], 'invalid value "nan": expected a number above 0'),
        (["--app-name", "my app"], 'invalid app-name "my app": expected 1-100 letters, digits, _ . or -'),
    ],
)
def test_a_bad_value_exits_2_naming_it(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_options(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_no_kafka_login_without_a_sasl_mechanism():
    assert parse_options([], env={}).kafka_login == {}


def test_scram_login_from_the_environment_only():
    env = {"KAFKA_SASL_MECHANISM": "scram-sha-512", "KAFKA_SASL_USERNAME": "streamline", "KAFKA_SASL_PASSWORD": "s3cret-Pw_x"}
    o = parse_options([], env=env)
    assert o.kafka_login == {
        "kafka.security.protocol": "SASL_PLAINTEXT",
        "kafka.sasl.mechanism": "SCRAM-SHA-512",
        "kafka.sasl.jaas.config": 'org.apache.kafka.common.security.scram.ScramLoginModule required username="streamline" password="s3cret-Pw_x";',
    }
    # The options' printed form (a log line, an error) does not carry the password.
    assert "s3cret" not in repr(o)


@pytest.mark.parametrize(
    "env, message",
    [
        ({"KAFKA_SASL_MECHANISM": "plain"}, 'invalid KAFKA_SASL_MECHANISM "plain"'),
        ({"KAFKA_SASL_MECHANISM": "scram-sha-256", "KAFKA_SASL_USERNAME": "u"}, "KAFKA_SASL_PASSWORD is empty"),
        ({"KAFKA_SASL_MECHANISM": "scram-sha-256", "KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": 'a"b'}, "invalid KAFKA_SASL_PASSWORD"),
    ],
)
def test_a_bad_kafka_login_is_a_one_line_usage_error(env, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_options([], env=env)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_offsets_json_is_passed_on_as_given():
    offsets = '{"users_created":{"0":-2}}'
    assert parse_options(["--starting-offsets", offsets]).starting_offsets == offsets


def test_help_shows_each_default_and_the_mode_choices(capsys):
    build_parser().print_help()
    out = " ".join(capsys.readouterr().out.split())
    assert "(default 10 minutes)" in out and "(default 50000)" in out
    assert "--mode {microbatch,realtime}" in out
