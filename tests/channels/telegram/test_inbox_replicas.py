"""Three server processes on one PostgreSQL behind a round-robin client: nothing lost,
nothing done twice, each chat's order kept (a smaller run of `make bench-replicas`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.inbox_replicas import report, run


@pytest.mark.postgres
async def test_three_replicas_share_the_inbox(postgres_url: str, tmp_path: Path) -> None:
    result = await run(users=40, each=4, replicas=3, connections=24, workdir=tmp_path, within=240)
    assert result.ok, report(result, 3)
