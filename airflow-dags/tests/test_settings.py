"""Servers' addresses for the apps: connections over Variables over env (streamline_settings)."""
import json

from airflow.sdk import Connection

from streamline_settings import app_env, connection_env, schedule_setting


def conn(conn_id: str, **fields) -> Connection:
    if "extra" in fields:
        fields["extra"] = json.dumps(fields["extra"])
    return Connection(conn_id=conn_id, **fields)


def test_postgres_connection_sets_every_pg_var():
    c = conn("streamline_postgres", conn_type="postgres", host="db.internal", port=5432, login="etl", password="s3cret", schema="users")
    assert connection_env("streamline_postgres", c) == {
        "PG_HOST": "db.internal", "PG_PORT": "5432", "PG_USER": "etl", "PG_PASSWORD": "s3cret", "PG_DATABASE": "users",
    }


def test_empty_fields_set_nothing():
    assert connection_env("streamline_postgres", conn("streamline_postgres", conn_type="postgres", host="db")) == {"PG_HOST": "db"}


def test_kafka_brokers_from_extra_or_host_and_port():
    extra = conn("streamline_kafka", conn_type="kafka", extra={"bootstrap.servers": "k1:9092,k2:9092"})
    assert connection_env("streamline_kafka", extra) == {"KAFKA_BROKERS": "k1:9092,k2:9092"}
    hostport = conn("streamline_kafka", conn_type="generic", host="broker", port=19092)
    assert connection_env("streamline_kafka", hostport) == {"KAFKA_BROKERS": "broker:19092"}


def test_registry_url_from_host_port_and_path_default_confluent_api():
    plain = conn("streamline_schema_registry", conn_type="http", host="registry", port=8081)
    assert connection_env("streamline_schema_registry", plain) == {"SCHEMA_REGISTRY_URL": "http://registry:8081/apis/ccompat/v7"}
    confluent = conn("streamline_schema_registry", conn_type="http", host="https://sr.example", schema="/")
    assert connection_env("streamline_schema_registry", confluent) == {"SCHEMA_REGISTRY_URL": "https://sr.example/"}
    explicit = conn("streamline_schema_registry", conn_type="http", extra={"url": "http://x:1/api"})
    assert connection_env("streamline_schema_registry", explicit) == {"SCHEMA_REGISTRY_URL": "http://x:1/api"}
    login = conn("streamline_schema_registry", conn_type="http", host="registry", port=8080, login="streamline", password="pw")
    assert connection_env("streamline_schema_registry", login) == {
        "SCHEMA_REGISTRY_URL": "http://registry:8080/apis/ccompat/v7", "SCHEMA_REGISTRY_USERNAME": "streamline", "SCHEMA_REGISTRY_PASSWORD": "pw",
    }


def test_cassandra_connection():
    c = conn("streamline_cassandra", conn_type="generic", host="c1,c2", port=9142, schema="ks", extra={"local_dc": "dc2"})
    assert connection_env("streamline_cassandra", c) == {
        "CASSANDRA_CONTACT_POINTS": "c1,c2", "CASSANDRA_PORT": "9142", "CASSANDRA_KEYSPACE": "ks", "CASSANDRA_LOCAL_DC": "dc2",
    }
    # A login on the connection reaches the apps (PasswordAuthenticator).
    with_login = conn("streamline_cassandra", conn_type="generic", host="c1", login="app", password="pw")
    assert connection_env("streamline_cassandra", with_login) == {"CASSANDRA_CONTACT_POINTS": "c1", "CASSANDRA_USERNAME": "app", "CASSANDRA_PASSWORD": "pw"}


def test_connection_wins_over_variable_and_variables_only_set_known_names():
    variables = {"pg_host": "from-variable", "pg_database": "var_db", "unrelated": "x"}
    connections = {"streamline_postgres": conn("streamline_postgres", conn_type="postgres", schema="conn_db")}
    env = app_env(get_connection=connections.get, get_variable=variables.get)
    assert env == {"PG_HOST": "from-variable", "PG_DATABASE": "conn_db"}


def test_no_connection_no_variable_leaves_the_apps_defaults():
    assert app_env(get_connection=lambda _: None, get_variable=lambda _: None) == {}



def test_schedule_none_means_triggered_only(monkeypatch):
    monkeypatch.setenv("USER_INGEST_SCHEDULE", "None")
    assert schedule_setting("user_ingest_schedule", "*/5 * * * *") is None
    monkeypatch.setenv("USER_INGEST_SCHEDULE", "*/10 * * * *")
    assert schedule_setting("user_ingest_schedule", "*/5 * * * *") == "*/10 * * * *"
    monkeypatch.delenv("USER_INGEST_SCHEDULE")
    assert schedule_setting("user_ingest_schedule", "*/5 * * * *") == "*/5 * * * *"
