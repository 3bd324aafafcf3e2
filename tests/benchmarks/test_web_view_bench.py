"""The web view benchmark (`make bench-web`, tests/benchmarks/web_view.py) still runs: the
same code on a tiny calendar, so it does not rot between the times somebody measures.
Figures are not judged here, only that each measure happened and saw the right page."""

from __future__ import annotations

import os

import pytest

from benchmarks.web_view import measure, show
from channels.web.test_web_chat import _browser_missing


@pytest.mark.slow  # two server processes and a browser: about 20 s
async def test_the_web_view_bench_runs_on_a_tiny_calendar(
    capsys: pytest.CaptureFixture[str],
) -> None:
    reason = _browser_missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
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
