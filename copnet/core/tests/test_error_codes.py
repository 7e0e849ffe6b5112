"""One error contract: every refusal is a `DomainError` whose code is a member of its app's
`TextChoices` (in `<app>/errors.py`), every code has a message in Vietnamese and English, no raise
site passes a free string, and the API answers each one as `{code, message, field}` with the
code's status."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.db import models
from django.urls import include, path
from django.utils import translation
from ninja import Router

from copnet.core.api_errors import ContractAPI
from copnet.core.errors import ApiError, ApiErrorCode, DomainError, RateLimited

ROOT = Path(__file__).resolve().parents[3]
COPNET = ROOT / "copnet"
# Classes built from something other than a code (their code is fixed inside).
FIXED_CODE = {"RateLimited", "PlatformInvalid", "ReferralInvalid", "ReferralDuplicate"}


def domain_errors() -> list[type[DomainError]]:
    for config in apps.get_app_configs():
        if config.name.startswith("copnet.") and (Path(config.path) / "errors.py").exists():
            importlib.import_module(f"{config.name}.errors")
    found: list[type[DomainError]] = []
    todo: list[type[DomainError]] = [DomainError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("copnet.") and ".tests." not in sub.__module__:
                found.append(sub)
                todo.append(sub)
    return sorted(found, key=lambda c: c.__qualname__)


def raising(cls: type[DomainError], code: str, field: str | None = None) -> DomainError:
    if cls is ApiError:
        return ApiError(ApiError.statuses[code], code, field=field)
    return cls(code, field=field)


def test_every_app_error_class_lives_in_an_errors_module_and_names_its_codes():
    classes = domain_errors()
    names = {cls.__name__ for cls in classes}
    assert {"IntakeError", "WorkflowError", "FeedError", "DetectionInputError"} <= names
    assert {"AccountError", "TakedownError", "VolunteerError", "EvaluationError"} <= names
    assert {"ExchangeError", "ExchangeUnavailable", "ReferralInvalid"} <= names
    for cls in classes:
        assert cls.__module__.endswith(".errors"), cls
        assert cls.codes is not None, cls
        assert issubclass(cls.codes, models.TextChoices), cls
        assert set(cls.statuses) <= set(cls.codes.values), cls
        assert all(400 <= status < 600 for status in cls.statuses.values()), cls


def test_a_code_outside_the_apps_codes_is_a_programming_error():
    from copnet.reports.errors import IntakeError, IntakeErrorCode

    with pytest.raises(ValueError, match="no_such_code"):
        IntakeError("no_such_code")
    error = IntakeError(IntakeErrorCode.EMPTY_REPORT, field="description")
    assert error.code == "empty_report"
    assert error.message == IntakeErrorCode.EMPTY_REPORT.label
    assert (error.status, error.field) == (400, "description")


def test_the_status_comes_from_the_raise_site_else_the_code_else_the_class():
    from copnet.takedowns.errors import TakedownError, TakedownErrorCode

    assert TakedownError(TakedownErrorCode.NOT_FOUND).status == 404
    assert TakedownError(TakedownErrorCode.NO_ITEMS).status == 422
    assert TakedownError(TakedownErrorCode.INVALID, status=409).status == 409


def _label_msgid(label: object) -> str:
    return label._args[0]  # type: ignore[attr-defined]  # a lazy gettext: its msgid


def _catalogue(language: str) -> dict[str, polib.POEntry]:
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    return {e.msgid: e for e in po if not e.obsolete}


def test_every_code_has_a_message_in_vietnamese_and_english():
    vi, en = _catalogue("vi"), _catalogue("en")
    missing = []
    for cls in domain_errors():
        for choice in cls.codes:  # type: ignore[union-attr]
            msgid = _label_msgid(choice.label)
            entry = vi.get(msgid)
            if entry is None or not entry.msgstr or "fuzzy" in entry.flags or msgid not in en:
                missing.append(f"{cls.__name__}.{choice.name}: {msgid}")
    assert missing == []
    with translation.override("vi"):
        from copnet.reports.errors import IntakeErrorCode

        assert str(IntakeErrorCode.EMPTY_REPORT.label) != _label_msgid(
            IntakeErrorCode.EMPTY_REPORT.label
        )


def _code_argument(call: ast.Call, cls: type[DomainError]) -> ast.expr | None:
    index = 1 if issubclass(cls, ApiError) else 0
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == "code"), None)


def test_no_raise_site_passes_a_free_string_code():
    by_name = {cls.__name__: cls for cls in domain_errors() if cls.__name__ not in FIXED_CODE}
    by_name["ApiError"] = ApiError
    enum_names = {cls.codes.__name__ for cls in by_name.values()}  # type: ignore[union-attr]
    wrong = []
    for file in sorted(COPNET.rglob("*.py")):
        if {"tests", "migrations"} & set(file.parts):
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            cls = by_name.get(name or "")
            if cls is None:
                continue
            code = _code_argument(node, cls)
            where = f"{file.relative_to(ROOT)}:{node.lineno}"
            if code is None or isinstance(code, ast.Constant | ast.JoinedStr):
                wrong.append(f"{where} {ast.unparse(node)[:80]}")
            elif isinstance(code, ast.Attribute) and isinstance(code.value, ast.Name):
                if code.value.id in enum_names and code.value.id != cls.codes.__name__:  # type: ignore[union-attr]
                    wrong.append(f"{where} {cls.__name__} with a {code.value.id}")
                elif code.value.id == cls.codes.__name__ and code.attr not in cls.codes.names:  # type: ignore[union-attr]
                    wrong.append(f"{where} no {code.value.id}.{code.attr}")
    assert wrong == []


# --- the API answers each kind of domain error with the contract body ----------------------

router = Router()


@router.get("/raise/{name}/{code}")
def raise_error(request, name: str, code: str):
    cls = {c.__name__: c for c in domain_errors()}[name]
    raise raising(cls, code, field="where")


@router.get("/rate-limited")
def rate_limited(request):
    raise RateLimited(30)


probe_api = ContractAPI(urls_namespace="error-codes-probe")
probe_api.add_router("", router)
urlpatterns = [path("api/probe/", include(probe_api.urls[:2]))]


@pytest.fixture
def probe(settings):
    settings.ROOT_URLCONF = __name__
    return settings


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cls", [c for c in domain_errors() if c.__name__ not in FIXED_CODE], ids=lambda c: c.__name__
)
def test_each_domain_error_is_answered_with_its_code_message_field_and_status(client, probe, cls):
    for code in cls.codes:  # type: ignore[union-attr]
        expected = raising(cls, code, field="where")
        response = client.get(
            f"/api/probe/raise/{cls.__name__}/{code.value}", HTTP_ACCEPT_LANGUAGE="vi"
        )
        assert response.status_code == expected.status, code
        assert response["Content-Type"].startswith("application/json")
        with translation.override("vi"):
            message = str(code.label)
        assert response.json() == {"code": code.value, "message": message, "field": "where"}


@pytest.mark.django_db
def test_a_rate_limited_error_keeps_the_contract_and_sets_retry_after(client, probe):
    response = client.get("/api/probe/rate-limited")
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["code"] == ApiErrorCode.RATE_LIMITED
    assert body["field"] is None
    assert "30" in body["message"]
