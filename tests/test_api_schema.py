"""Schemathesis against the served OpenAPI document: no request it can make gives a server error.

The document is fetched from the app (so every endpoint it lists is covered, and a new one is covered when
it is listed). For each operation schemathesis generates requests that fit the schema and requests that
break it (wrong types, patterns, enums), sent through Django's test client on a small synthetic region, by
an anonymous visitor and by an analyst (the unsuppressed path). Every answer must be below 500, and JSON
where the document promises JSON.
"""

import os
from urllib.parse import unquote

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from core.models import User
from core.roles import Role

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("VRP_API_FUZZ_EXAMPLES", "30"))


@pytest.fixture
def region(demo_region, tmp_path):
    from places.models import DirectoryOrganisation, Service

    demo_region(tmp_path / "demo", "2023-01", 12, police_per_month=120, ed_per_month=10)
    organisation = DirectoryOrganisation.objects.create(name="Youth club", description="Evenings.")
    Service.objects.create(organisation=organisation, name="Friday club", description="Games.",
                           moderation=Service.Moderation.PUBLISHED)
    return User.objects.create_user("analyst-api", password="a-long-password-1", role=Role.ANALYST.value)


def _operations(client) -> list:
    document = client.get("/insights/api/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_document_lists_every_json_endpoint(client) -> None:
    labels = {operation.label for operation in _operations(client)}
    assert {"GET /insights/figures/trend.json", "GET /insights/maps/{level}.geojson", "GET /insights/hotspots.geojson",
            "GET /commissioning/projects.json", "GET /evidence/catalogue.json", "GET /places/provision.json",
            "GET /openreferral/services", "GET /openreferral/services/{service_id}"} <= labels


def test_no_generated_request_gives_a_server_error(client, region) -> None:
    analyst = region
    tried = {"requests": 0, "client errors": 0}
    for operation in _operations(client):
        _fuzz_operation(client, analyst, operation, tried)
    assert tried["requests"] >= 20 and tried["client errors"] > 0


def _fuzz_operation(client, analyst: User, operation, tried: dict) -> None:
    cases = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                      operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=cases, as_analyst=st.booleans())
    def request(case, as_analyst: bool) -> None:
        client.logout()
        if as_analyst:
            client.force_login(analyst)
        query = {k: v for k, v in (case.query or {}).items() if v is not None}
        response = client.get(unquote(case.formatted_path), query)
        tried["requests"] += 1
        assert response.status_code < 500, (operation.label, case.formatted_path, query)
        if response.status_code >= 400:
            tried["client errors"] += 1
        elif response.status_code == 200 and operation.path.endswith((".json", ".geojson")):
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert body[:1] in (b"{", b"["), (operation.label, query)

    request()
