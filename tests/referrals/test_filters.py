"""The oversight board's referral filters, written once as a FilterSet (referrals/filters.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from referrals.filters import ReferralStaffFilterSet
from referrals.models import Referral, ReferralState
from referrals.selectors import referral_list_staff
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def referrals(draft):
    housing, market = DepartmentFactory(name="市住建局"), DepartmentFactory(name="市市场监管局")

    def make(name, department, state, days_left, **fields):
        return Referral.objects.create(
            department=department,
            draft=draft,
            state=state,
            deadline=NOW + timedelta(days=days_left),
            created_at=NOW - timedelta(days=30 - days_left),
            instructions=name,
            **fields,
        )

    return {
        "late": make("late", housing, ReferralState.ACKNOWLEDGED, -2),
        "later": make("later", housing, ReferralState.SENT, -1),
        "on_time": make("on_time", market, ReferralState.SENT, 5, extension_until=NOW + timedelta(days=20)),
        "replied": make("replied", housing, ReferralState.REPLIED, -3, replied_at=NOW - timedelta(days=1)),
        "closed": make("closed", market, ReferralState.CLOSED, -10),
        "department": housing,
    }


def _names(filters) -> list[str]:
    return [r.instructions for r in referral_list_staff(filters=filters, now=NOW)]


def test_each_view_of_the_board_selects_and_orders_as_it_is_read(referrals):
    assert _names({}) == ["on_time", "later", "late", "replied", "closed"]  # newest first
    assert _names({"show": "overdue"}) == ["late", "later"]  # by deadline, as of the injected clock
    assert _names({"show": "review"}) == ["replied"]
    assert _names({"show": "extension"}) == ["on_time"]
    assert _names({"show": ReferralState.CLOSED}) == ["closed"]
    assert _names({"department": str(referrals["department"].pk)}) == ["later", "late", "replied"]
    assert _names({"department": str(referrals["department"].pk), "show": "overdue"}) == ["late", "later"]


def test_a_bad_value_is_reported_and_ignored(referrals):
    filterset = ReferralStaffFilterSet({"show": "soon", "department": "abc"}, now=NOW)
    assert set(filterset.errors) == {"show", "department"}
    assert len(referral_list_staff(filterset=filterset)) == 5
