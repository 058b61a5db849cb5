"""Confluent-API schema registry over plain urllib (the driver needs only three GETs)."""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Callable, Dict, Mapping, Optional

ACCEPT = "application/vnd.schemaregistry.v1+json, application/json"


class RegistryError(Exception):
    """The registry could not be asked, or answered something unexpected."""


@dataclass(frozen=True)
class RegisteredSchema:
    id: int
    schema: str
    version: Optional[int] = None


Fetch = Callable[[str, float], Optional[dict]]


def login_headers(env: Mapping[str, str]) -> Dict[str, str]:
    """The registry's HTTP Basic login from SCHEMA_REGISTRY_USERNAME/SCHEMA_REGISTRY_PASSWORD (passed by
    the launcher in the environment, never on the command line; the clients' contract in libs/config),
    or none when they are not set."""
    username = env.get("SCHEMA_REGISTRY_USERNAME", "")
    password = env.get("SCHEMA_REGISTRY_PASSWORD", "")
    if not username and not password:
        return {}
    if not username or not password or ":" in username:
        raise RegistryError("SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD go together, and the user name has no colon")
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode("utf-8")).decode("ascii")}


def http_get_json(url: str, timeout: float, headers: Optional[Mapping[str, str]] = None) -> Optional[dict]:
    """GET `url` as JSON; None on 404 (unknown subject, version or id)."""
    request = urllib.request.Request(url, headers={"Accept": ACCEPT, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise RegistryError(f"registry answered {error.code} for GET {url}") from error
    except (urllib.error.URLError, OSError) as error:
        raise RegistryError(f"registry unreachable at {url}: {error}") from error


class RegistryClient:
    """Caches schemas by id (immutable in the registry); subjects are read fresh each time."""

    def __init__(self, base_url: str, fetch: Fetch = http_get_json, timeout: float = 10.0):
        self._base = base_url.rstrip("/")
        self._fetch = fetch
        self._timeout = timeout
        self._by_id: Dict[int, str] = {}

    def schema_by_id(self, schema_id: int) -> Optional[str]:
        """GET /schemas/ids/{id}; None when the registry does not know the id."""
        if schema_id in self._by_id:
            return self._by_id[schema_id]
        body = self._fetch(f"{self._base}/schemas/ids/{int(schema_id)}", self._timeout)
        if body is None:
            return None
        schema = _schema_text(body, f"schema id {schema_id}")
        self._by_id[schema_id] = schema
        return schema

    def latest(self, subject: str) -> RegisteredSchema:
        """GET /subjects/{subject}/versions/latest; RegistryError when the subject has no version."""
        body = self._fetch(f"{self._base}/subjects/{_quote(subject)}/versions/latest", self._timeout)
        if body is None:
            raise RegistryError(f"subject {subject} has no registered schema")
        found = RegisteredSchema(id=int(body["id"]), schema=_schema_text(body, subject), version=body.get("version"))
        self._by_id[found.id] = found.schema
        return found

    def all_versions(self, subject: str) -> Dict[int, str]:
        """Every schema ever registered under `subject`, by id (writer schemas the topic may hold)."""
        versions = self._fetch(f"{self._base}/subjects/{_quote(subject)}/versions", self._timeout)
        if not versions:
            raise RegistryError(f"subject {subject} has no registered schema")
        found: Dict[int, str] = {}
        for version in versions:
            body = self._fetch(f"{self._base}/subjects/{_quote(subject)}/versions/{int(version)}", self._timeout)
            if body is None:
                continue  # deleted in between
            found[int(body["id"])] = _schema_text(body, f"{subject} version {version}")
        self._by_id.update(found)
        return found


def _quote(subject: str) -> str:
    return urllib.parse.quote(subject, safe="")


def _schema_text(body: dict, what: str) -> str:
    schema = body.get("schema")
    if not isinstance(schema, str) or not schema:
        raise RegistryError(f"registry answer for {what} has no schema text")
    schema_type = body.get("schemaType", "AVRO")
    if schema_type != "AVRO":
        raise RegistryError(f"{what} is a {schema_type} schema, expected AVRO")
    return schema


def fetch_with_login(env: Mapping[str, str]) -> Fetch:
    """`http_get_json` sending the login of `env` (see login_headers)."""
    headers = login_headers(env)
    return lambda url, timeout: http_get_json(url, timeout, headers)
