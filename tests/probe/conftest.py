"""The probe's fixtures: the demo data loaded once for the package, one logged-in client per role.

The demo is loaded inside a transaction that the package rolls back when it is done, so none of it reaches
the tests that run after the probe; each probe test runs in a savepoint of its own within it (pytest-django's
`db`), so what one check changes is gone for the next.
"""

import pytest
from django.test import Client

from tests.probe import report
from tests.probe.catalogue import Ids
from tests.probe.policy import ROLES


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction
    from django.test import TestCase

    from cms.demo import demo_load

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                demo_load()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def ids(demo, db):
    return Ids()


@pytest.fixture
def clients(ids):
    """A client per role, logged in as the demo account of that role (anonymous: none)."""
    made = {}
    for number, (role, username) in enumerate(ROLES.items(), start=1):
        client = Client(REMOTE_ADDR=f"10.9.1.{number}")  # one address each: throttles count per address
        if username:
            client.force_login(ids.users[username])
        made[role] = client
    return made


@pytest.fixture
def tally():
    return report.TALLY


def pytest_sessionfinish(session):
    if report.TALLY.checks:
        line = report.TALLY.summary()
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            for failure in report.TALLY.failures[:100]:
                reporter.write_line(f"probe failure: {failure}")
            reporter.write_line(line)
        else:
            print(line)
