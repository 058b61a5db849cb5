"""The Kafka login of the job's source and sink: SASL/SCRAM when the launcher passes KAFKA_SASL_*
in the environment (never on the command line, which every user of the machine can read), else none.
The variables are the clients' contract (libs/config connections.ts)."""
from __future__ import annotations

from typing import Dict, Mapping

MECHANISMS = {"scram-sha-256": "SCRAM-SHA-256", "scram-sha-512": "SCRAM-SHA-512"}


class KafkaLoginError(ValueError):
    pass


def _jaas_quoted(name: str, value: str) -> str:
    # A JAAS option value is a double-quoted string: a quote or backslash in it would end or bend it.
    if '"' in value or "\\" in value:
        raise KafkaLoginError(f"invalid {name}: it may not contain a double quote or a backslash")
    return f'"{value}"'


def kafka_login_options(env: Mapping[str, str]) -> Dict[str, str]:
    """`kafka.*` options for the Kafka source and sink (empty without KAFKA_SASL_MECHANISM)."""
    mechanism = env.get("KAFKA_SASL_MECHANISM", "")
    if not mechanism:
        return {}
    if mechanism not in MECHANISMS:
        raise KafkaLoginError(f'invalid KAFKA_SASL_MECHANISM "{mechanism}": expected {" or ".join(MECHANISMS)}')
    username = env.get("KAFKA_SASL_USERNAME", "")
    password = env.get("KAFKA_SASL_PASSWORD", "")
    if not username or not password:
        raise KafkaLoginError("KAFKA_SASL_MECHANISM is set but KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is empty")
    jaas = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        f"username={_jaas_quoted('KAFKA_SASL_USERNAME', username)} password={_jaas_quoted('KAFKA_SASL_PASSWORD', password)};"
    )
    return {
        "kafka.security.protocol": "SASL_PLAINTEXT",
        "kafka.sasl.mechanism": MECHANISMS[mechanism],
        "kafka.sasl.jaas.config": jaas,
    }
