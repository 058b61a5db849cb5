-- Databases beside the staging one: the registry's storage and Airflow's metadata.
CREATE DATABASE registry;
CREATE DATABASE airflow;
