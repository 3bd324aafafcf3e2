"""The web view benchmark (`make bench-web`, tests/benchmarks/web_view.py) still runs: the
same code on a tiny calendar, so it does not rot between the times somebody measures.
Figures are not judged here, only that each measure happened and saw the right page."""

from __future__ import annotations

import pytest

from benchmarks.web_view import measure, show
from web_browser import skip_without_chromium


@pytest.mark.slow  # two server processes and a browser: about 20 s
async def test_the_web_view_bench_runs_on_a_tiny_calendar(
    capsys: pytest.CaptureFixture[str],
) -> None:
    skip_without_chromium()
    report = await measure(events=60, runs=1, requests=30, connections=2, rounds=1)
    assert report.events_in_week > 0
    [page] = report.page
    assert page.events_rendered == report.events_in_week  # every event of the week shown
    assert 0 < page.first_contentful_paint_ms <= page.events_rendered_ms
    [api], [bare] = report.api, report.bare
    assert (api.requests, api.failures, bare.failures) == (30, 0, 0)
    assert report.ratio > 0
    show(report)
    assert "events API / bare throughput" in capsys.readouterr().out
