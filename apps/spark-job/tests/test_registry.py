import json

import pytest

from streamline_job.registry import RegistryClient, RegistryError, login_headers

BASE = "http://registry/apis/ccompat/v7"
V1 = json.dumps({"type": "record", "name": "U", "fields": [{"name": "id", "type": "string"}]})
V2 = json.dumps({"type": "record", "name": "U", "fields": [{"name": "id", "type": "string"}, {"name": "x", "type": "int", "default": 0}]})


class FakeRegistry:
    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def __call__(self, url, timeout):
        self.calls.append(url)
        return self.answers.get(url.removeprefix(BASE))


def test_latest_and_every_version_of_a_subject():
    fake = FakeRegistry({
        "/subjects/users_created-value/versions/latest": {"subject": "users_created-value", "version": 2, "id": 11, "schema": V2},
        "/subjects/users_created-value/versions": [1, 2],
        "/subjects/users_created-value/versions/1": {"version": 1, "id": 10, "schema": V1},
        "/subjects/users_created-value/versions/2": {"version": 2, "id": 11, "schema": V2},
    })
    client = RegistryClient(BASE + "/", fetch=fake)
    latest = client.latest("users_created-value")
    assert (latest.id, latest.version, latest.schema) == (11, 2, V2)
    assert client.all_versions("users_created-value") == {10: V1, 11: V2}
    # Ids are immutable: known ones are answered from the cache.
    calls = len(fake.calls)
    assert client.schema_by_id(10) == V1
    assert len(fake.calls) == calls


def test_schema_by_id_fetches_once_and_answers_none_for_an_unknown_id():
    fake = FakeRegistry({"/schemas/ids/7": {"schema": V1}})
    client = RegistryClient(BASE, fetch=fake)
    assert client.schema_by_id(7) == V1
    assert client.schema_by_id(7) == V1
    assert client.schema_by_id(8) is None
    assert fake.calls == [f"{BASE}/schemas/ids/7", f"{BASE}/schemas/ids/8"]


def test_a_missing_subject_or_a_non_avro_schema_is_an_error():
    client = RegistryClient(BASE, fetch=FakeRegistry({"/schemas/ids/3": {"schema": "{}", "schemaType": "PROTOBUF"}}))
    with pytest.raises(RegistryError, match="subject users_processed-value has no registered schema"):
        client.latest("users_processed-value")
    with pytest.raises(RegistryError, match="expected AVRO"):
        client.schema_by_id(3)


def test_subjects_are_url_quoted():
    fake = FakeRegistry({"/subjects/a%2Fb-value/versions/latest": {"id": 1, "schema": V1}})
    assert RegistryClient(BASE, fetch=fake).latest("a/b-value").id == 1


def test_login_headers_basic_from_env_or_none():
    assert login_headers({}) == {}
    assert login_headers({"SCHEMA_REGISTRY_USERNAME": "streamline", "SCHEMA_REGISTRY_PASSWORD": "pw"}) == {"Authorization": "Basic c3RyZWFtbGluZTpwdw=="}
    for half in ({"SCHEMA_REGISTRY_USERNAME": "streamline"}, {"SCHEMA_REGISTRY_PASSWORD": "pw"}, {"SCHEMA_REGISTRY_USERNAME": "a:b", "SCHEMA_REGISTRY_PASSWORD": "pw"}):
        with pytest.raises(RegistryError, match="SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD go together"):
            login_headers(half)
