"""A process killed between writing encrypted files and committing their rows leaves files that
no row names; the sweep removes exactly those once they are older than the grace period, on the
local vault and on the object store alike."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import os
import signal
import time
import traceback
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.cases.models import Case
from copnet.cases.privacy import purge_personal_data
from copnet.cases.services import do_transition
from copnet.core.maintenance import sweep_orphan_files_task
from copnet.core.orphans import SweepCounts, do_sweep_orphan_files
from copnet.core.schedule import schedule
from copnet.core.testing_storage import stored_keys
from copnet.evaluations import files as evaluation_files
from copnet.evaluations.models import Evaluation, VendorDocument
from copnet.evaluations.tests.factories import make_product, make_vendor_user, submit
from copnet.reports.evidence import evidence_store
from copnet.reports.models import Evidence, Report
from copnet.reports.tests.factories import file_report, make_image

pytestmark = pytest.mark.usefixtures("reference_data", "file_storage")

LATER = dt.timedelta(hours=7)  # past the default grace period of 6 hours


def killed_inside_the_transaction(hooks: list[str], action: Callable[[], object]) -> None:
    """Run `action` in a forked process that SIGKILLs itself (as the OOM killer or a gunicorn
    master would) when it reaches any of `hooks`, dotted names of functions called inside the
    transaction after the files were written. Nothing in it can clean up."""
    connections.close_all()  # the child opens its own database connection
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            for hook in hooks:
                module, name = hook.rsplit(".", 1)
                owner = importlib.import_module(module)
                setattr(owner, name, lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL))
            action()
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(70)  # only when the kill was not reached
    _pid, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status), f"the child was not killed (exit {os.WEXITSTATUS(status)})"
    assert os.WTERMSIG(status) == signal.SIGKILL


def named_evidence_files() -> set[str]:
    return {
        path
        for row in Evidence.objects.values_list("blob_path", "preview_path")
        for path in row
        if path
    }


def sweeps() -> list[dict]:
    events = AuditEvent.objects.filter(target_type="core.storedfile").order_by("id")
    return [event.changes for event in events]


@pytest.mark.django_db(transaction=True)
def test_the_sweep_removes_exactly_what_killed_reports_left_and_only_when_old_enough():
    kept, _ = file_report(images=[make_image(1)])
    named = named_evidence_files()
    store = evidence_store()

    killed_inside_the_transaction(
        ["copnet.reports.services.record_changes"],
        lambda: file_report(images=[make_image(2), make_image(3)]),
    )
    first_orphans = stored_keys(store) - named
    between = timezone.now() + dt.timedelta(seconds=1)
    time.sleep(2.2)  # object stores date files to the second
    killed_inside_the_transaction(
        ["copnet.reports.services.record_changes"],
        lambda: file_report(images=[make_image(4)]),
    )
    second_orphans = stored_keys(store) - named - first_orphans

    # Both crashes wrote their files (original + preview per picture) and left no row.
    assert (len(first_orphans), len(second_orphans)) == (4, 2)
    assert Report.objects.count() == 1
    assert named_evidence_files() == named

    # A grace period that ends between the two crashes: only the older files go.
    now = timezone.now()
    grace = (now - between).total_seconds() / 3600
    counts = do_sweep_orphan_files(grace_hours=grace, now=now)
    assert counts["evidence"] == SweepCounts(files=8, recent=2, removed=4, partial=0)
    assert stored_keys(store) == named | second_orphans

    # Within the default grace period nothing else goes; past it, the rest of the orphans.
    assert do_sweep_orphan_files()["evidence"].removed == 0
    assert stored_keys(store) == named | second_orphans
    counts = do_sweep_orphan_files(now=timezone.now() + LATER)
    assert counts["evidence"] == SweepCounts(files=4, recent=0, removed=2, partial=0)
    assert stored_keys(store) == named

    # The report that committed is whole: its files still decrypt to what was sent.
    image = Evidence.objects.get(report=kept, kind="image")
    assert store.read(image.blob_path) == make_image(1)
    assert Report.objects.get().pk == kept.pk


@pytest.mark.django_db(transaction=True)
def test_each_sweep_writes_one_audit_row_with_counts_and_nothing_else():
    killed_inside_the_transaction(
        ["copnet.reports.services.record_changes"],
        lambda: file_report(images=[make_image(5)], reporter_contact="0912345678"),
    )
    orphans = stored_keys(evidence_store())

    do_sweep_orphan_files(now=timezone.now() + LATER)
    do_sweep_orphan_files(now=timezone.now() + LATER)

    first, second = sweeps()
    assert first == {
        "grace_hours": 6,
        "evidence": {"files": 2, "recent": 0, "removed": 2, "partial": 0},
        "evaluation-files": {"files": 0, "recent": 0, "removed": 0, "partial": 0},
    }
    assert second["evidence"] == {"files": 0, "recent": 0, "removed": 0, "partial": 0}
    text = json.dumps(first)
    assert not any(key in text for key in orphans)
    assert "0912345678" not in text
    event = AuditEvent.objects.filter(target_type="core.storedfile").first()
    assert (event.action, event.actor_label, event.reason) == (
        "delete",
        "system",
        "orphan file sweep",
    )


@pytest.mark.django_db(transaction=True)
def test_evaluation_documents_left_by_a_killed_submission_are_swept(coordinator):
    vendor = make_vendor_user()
    submitted = submit(vendor, make_product(vendor))
    document = VendorDocument.objects.get(evaluation=submitted)
    store = evaluation_files.vault()
    other = make_product(vendor, name="Bé Vẽ Tranh")

    killed_inside_the_transaction(
        ["copnet.evaluations.services.submission.record_change"],
        lambda: submit(vendor, other),
    )
    orphans = stored_keys(store) - {document.blob_path}
    assert len(orphans) == 1
    assert Evaluation.objects.count() == 1

    counts = do_sweep_orphan_files(now=timezone.now() + LATER)

    assert counts["evaluation-files"] == SweepCounts(files=2, recent=0, removed=1, partial=0)
    assert stored_keys(store) == {document.blob_path}
    assert evaluation_files.read(document.blob_path)[:5] == b"%PDF-"


@pytest.mark.django_db
def test_files_of_a_purge_that_died_after_its_commit_are_swept(
    django_capture_on_commit_callbacks,
):
    report, _ = file_report(images=[make_image(6)])
    case = Case.objects.get(pk=report.case_id)
    do_transition(case=case, target="rejected", outcome="not_harmful", actor=None)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=400))
    store = evidence_store()
    files = stored_keys(store)

    # The purge commits, then the process dies before its after-commit file deletes run.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert purge_personal_data(older_than_days=365) == 1
    assert len(callbacks) == 1
    assert stored_keys(store) == files
    assert named_evidence_files() == set()

    counts = do_sweep_orphan_files(now=timezone.now() + LATER)

    assert counts["evidence"].removed == 2
    assert stored_keys(store) == set()


@pytest.mark.django_db
def test_a_worker_timeout_inside_the_transaction_removes_the_files_at_once(monkeypatch):
    # gunicorn's worker timeout raises SystemExit in the worker, which skips `except Exception`.
    def timeout(**kwargs):
        raise SystemExit(1)

    monkeypatch.setattr("copnet.reports.services.record_changes", timeout)

    with pytest.raises(SystemExit):
        file_report(images=[make_image(7)])

    assert stored_keys(evidence_store()) == set()
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_failure_between_an_original_and_its_preview_leaves_no_file(monkeypatch):
    def broken_preview(data, facts):
        raise MemoryError

    monkeypatch.setattr("copnet.reports.services.make_evidence_preview", broken_preview)

    with pytest.raises(MemoryError):
        file_report(images=[make_image(8)])

    assert stored_keys(evidence_store()) == set()
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_dry_run_counts_and_changes_nothing():
    store = evidence_store()
    orphan = store.store(b"written, then the process died")

    out = io.StringIO()
    call_command("sweep_orphan_files", "--dry-run", "--grace-hours", "1", stdout=out)
    assert "evidence: 1 file(s), 1 within the grace period, would remove 0" in out.getvalue()

    counts = do_sweep_orphan_files(now=timezone.now() + LATER, dry_run=True)
    assert counts["evidence"].removed == 1
    assert stored_keys(store) == {orphan}
    assert sweeps() == []


@pytest.mark.django_db
def test_the_command_refuses_a_grace_period_shorter_than_an_hour():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 1"):
        call_command("sweep_orphan_files", "--grace-hours", "0.1")
    assert sweeps() == []


@pytest.mark.django_db
def test_the_sweep_runs_hourly_from_the_scheduler():
    entry = next(e for e in schedule() if e.name == "remove orphan files")
    assert entry.every == 3600
    orphan = evidence_store().store(b"orphan")

    assert sweep_orphan_files_task.call() == 0  # too young to go

    assert stored_keys(evidence_store()) == {orphan}
    assert len(sweeps()) == 1
