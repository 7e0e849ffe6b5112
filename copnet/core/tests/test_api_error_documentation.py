"""The OpenAPI document lists every operation's error answers (with the one ErrorOut schema)
and the validation rules that the code checks."""

from __future__ import annotations

import pytest

ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture
def document(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_error_answer_uses_the_error_schema(document):
    seen = 0
    for name, operation in operations(document):
        for status, answer in operation["responses"].items():
            if int(status) >= 400 and int(status) != 503:
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, (name, status)
                seen += 1
    assert seen > 100


def test_the_error_schema_requires_code_and_message(document):
    schema = document["components"]["schemas"]["ErrorOut"]
    assert set(schema["required"]) == {"code", "message"}
    assert set(schema["properties"]) == {"code", "message", "field", "errors"}


def test_error_answers_follow_from_each_operations_shape(document):
    for name, operation in operations(document):
        statuses = {int(s) for s in operation["responses"]}
        parameters = operation.get("parameters", [])
        if operation.get("security"):
            assert {401, 429} <= statuses, name
        if "requestBody" in operation:
            assert {400, 411, 413, 422} <= statuses, name
        if parameters:
            assert 422 in statuses, name
        if any(p["in"] == "path" for p in parameters):
            assert 404 in statuses, name


@pytest.mark.parametrize(
    ("operation", "statuses"),
    [
        ("POST /api/v1/reports", {403, 409}),
        ("POST /api/v1/takedowns/callbacks", {403, 404, 409}),
        ("GET /api/v1/feed/diff", {403, 404}),
        ("GET /api/v1/stats/dashboard", {401, 403}),
        ("GET /api/v1/volunteers/tasks", {403}),
    ],
)
def test_operations_document_the_errors_their_code_gives(document, operation, statuses):
    found = dict(operations(document))[operation]
    assert statuses <= {int(s) for s in found["responses"]}


def test_public_operations_document_no_key_errors_only_the_rate_limit(document):
    found = dict(operations(document))
    # Every operation is throttled (per key, else per address), public ones included.
    assert set(found["GET /api/v1/network/organisations"]["responses"]) == {"200", "429"}
    assert set(found["GET /api/v1/health"]["responses"]) == {"200", "429", "503"}


def _parameter(document, operation, name):
    found = dict(operations(document))[operation]
    return next(p for p in found["parameters"] if p["name"] == name)["schema"]


def test_checked_ranges_patterns_and_choices_are_in_the_schema(document):
    age = _parameter(document, "GET /api/v1/ecosystem/products", "age")
    assert age["anyOf"][0] | {"minimum": 0, "maximum": 18} == age["anyOf"][0]
    assert _parameter(document, "GET /api/v1/feed/hosts", "category")["pattern"]
    assert set(_parameter(document, "GET /api/v1/feed/list", "kind")["enum"]) == {
        "host",
        "url",
        "hash",
    }
    trend = _parameter(document, "GET /api/v1/stats/dashboard", "trend")
    assert trend["anyOf"][0] == {"$ref": "#/components/schemas/TrendKind"}
    assert "week" in document["components"]["schemas"]["TrendKind"]["enum"]
    province = _parameter(document, "GET /api/v1/stats/dashboard", "province")
    assert "01" in province["enum"]
    assert "" in province["enum"]
    schemas = document["components"]["schemas"]
    assert schemas["LookupIn"]["properties"]["prefixes"]["items"]["pattern"]
    report = schemas["ReportIn"]
    assert {tuple(option["required"]) for option in report["anyOf"]} == {
        ("description",),
        ("urls",),
        ("texts",),
    }
    assert "01" in report["properties"]["province"]["enum"]
