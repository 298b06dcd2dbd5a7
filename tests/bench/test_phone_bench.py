"""The phone figures (bench/phone_load.py) are a benchmark of the registry, skipped without Chromium."""

import pytest

import bench.phone_load as phone_load
from bench.registry import BENCHMARKS, Context
from bench.runner import MODULES


def test_the_phone_figures_are_registered_for_make_bench():
    assert "bench.phone_load" in MODULES
    assert BENCHMARKS["phone"] is phone_load.phone


def test_without_chromium_the_phone_benchmark_is_skipped_with_a_note(monkeypatch, tmp_path):
    missing = tmp_path / "no-chromium"
    monkeypatch.setattr(phone_load, "CHROMIUM", str(missing))
    notes = []
    assert phone_load.phone(Context(scale=1, log=notes.append)) == []
    assert notes == [f"Chromium not found at {missing} (apt-get install chromium): phone figures skipped"]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_drafts_first_view_on_the_emulated_phone_is_a_fraction_of_its_whole_text(live_server, draft_index):
    """What the benchmark measures, on a 320-article draft: bytes and pixels, which do not depend on the
    machine's speed (the seconds do, and are not checked)."""
    from pathlib import Path

    if not Path(phone_load.CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {phone_load.CHROMIUM}")
    from drafts.parser import parse_text
    from drafts.services import draft_create
    from tests.drafts.test_parts import long_text

    draft = draft_create(index=draft_index, result=parse_text(long_text()), slug="long", publish=True)
    found = phone_load.measure(live_server.url, draft.url, [f"{draft.url}?full=1"])
    first, whole = found["draft"], found["articles"][f"{draft.url}?full=1"]
    assert 0 < first["text_px"] < 1500 < first["height_px"]
    # Bytes are not compared: the test text repeats one sentence and compresses to almost nothing.
    assert first["elements"] * 4 < whole["elements"] and first["height_px"] * 5 < whole["height_px"]
    assert first["kb"] > 0 and whole["load_s"] > 0
