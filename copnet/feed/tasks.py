from __future__ import annotations

from django_tasks import task

from . import services


@task()
def publish_feed() -> int:
    """Periodic: publish pending changes (and withdraw entries past their review date)."""
    version = services.do_publish(actor=None)
    return version.number if version else 0
