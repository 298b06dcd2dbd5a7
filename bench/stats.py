"""Statistics dashboards on the 1,000,000-opinion data set: the staff dashboard of the draft and of the year.

Dashboards read kept tallies (stats.models.Tally); the benchmark times the refresh of each tally (the
grouped queries over every opinion) and then the rendering of each dashboard page through Django's
test client, logged in as a staff user made for the run and removed after it.
"""

from __future__ import annotations

import time

from django.test import Client
from django.utils import timezone

from bench.dataset import ensure_dataset, staff_user
from bench.registry import Context, Figure, benchmark, median, timed

USERNAME = "bench-stats-staff"


def _staff_user():
    return staff_user(USERNAME, "基准测试工作人员")


def _refresh_seconds(refresh, arg) -> float:
    started = time.perf_counter()
    refresh(arg)
    return time.perf_counter() - started


@benchmark("statistics")
def statistics(ctx: Context) -> list[Figure]:
    from django.urls import reverse

    from cms.models import User
    from drafts.models import DraftPage
    from stats import services

    dataset = ensure_dataset(ctx)
    draft = DraftPage.objects.get(pk=dataset.draft_id)
    year = timezone.localtime(draft.opens_at).year
    draft_refresh = _refresh_seconds(services.draft_tally_refresh, draft.pk)
    year_refresh = _refresh_seconds(services.year_tally_refresh, year)
    client = Client()
    client.force_login(_staff_user())
    try:
        figures = []
        for name, url, refresh in (
            ("draft", reverse("stats_draft", args=[draft.pk]), draft_refresh),
            ("year", reverse("stats_year", args=[year]), year_refresh),
        ):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            samples = timed(lambda url=url: client.get(url), repeat=20)
            note = f"{len(response.content) // 1024:,} KiB of HTML; the tally's refresh took {refresh:.2f} s"
            figures += [
                Figure(f"statistics.{name}_p50_ms", round(median(samples), 1), "ms", note),
                Figure(f"statistics.{name}_refresh_s", round(refresh, 2), "s", f"{dataset.opinions:,} opinions"),
            ]
        return figures
    finally:
        User.objects.filter(username=USERNAME).delete()
