"""Schemathesis over the API's own OpenAPI schema, served by a real uvicorn on loopback: generated requests (a
bounded number per route, valid and invalid) never get a 5xx, and every response matches what the schema says —
problem details included."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from tests.api_server import serving  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("schema"), QUALIA_AUTH="on", QUALIA_MAX_DOCUMENT_MB="1") as api:
        with api.client("admin") as root:  # one real document, so generated ids sometimes meet a real one too
            root.post("/documents", files={"file": ("note.txt", b"Ana: the budget is due friday\nBo: fine\n")})
        yield api


def test_no_server_error_and_every_response_matches_the_schema(served):
    """Each operation of /openapi.json gets a bounded number of generated cases (schemathesis' strategies run by
    Hypothesis directly: its pytest plugin does not load with this pytest)."""
    schema = schemathesis.openapi.from_url(f"{served.url}/openapi.json")
    headers = {"Authorization": f"Bearer {served.tokens['admin']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10  # every route is in the schema
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(base_url=served.url, headers=headers,
                                   checks=[not_a_server_error, response_schema_conformance])

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - gather every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
