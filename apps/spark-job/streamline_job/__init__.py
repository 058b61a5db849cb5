"""The users stream: Kafka users_created (Confluent-framed Avro) -> cleansed users_processed + users_dlq."""
