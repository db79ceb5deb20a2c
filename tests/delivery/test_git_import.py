"""`headway ingest git` on a real repository built here with `git` itself, run as users run it.

The repository (dates fixed through GIT_AUTHOR_DATE / GIT_COMMITTER_DATE):
    c0  2026-10-01 09:00  initial commit on main               (README, 1 line)
    f1  2026-10-02 08:00  branch feature: first commit          (app.py, 2 lines)
    f2  2026-10-02 10:00  branch feature: second commit         (app.py, +1 line)
    M7  2026-10-03 12:00  "Merge pull request #7 from acme/feature" (--no-ff) -> change #7
    s8  2026-10-04 15:00  "Fix the cart (#8)" (a squash commit)   -> change #8, 1 file ü.txt
    tag v1.0 on s8 (annotated, 2026-10-04 16:00)                  -> a `release` deployment
Expected by hand: #7 first commit 10-02 08:00 (the branch's), merged 10-03 12:00, size 3 lines
(app.py: 2 + 1); #8 first commit = its own authored time 10-04 15:00; c0 is a change of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.delivery.helpers import make_workspace

HEADWAY = Path(sys.executable).parent / "headway"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run_git(repo: Path, *args: str, when: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Zoë Dev",
        "GIT_AUTHOR_EMAIL": "zoe@example.com",
        "GIT_COMMITTER_NAME": "Zoë Dev",
        "GIT_COMMITTER_EMAIL": "zoe@example.com",
    }
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def build_repo(repo: Path) -> None:
    repo.mkdir()
    run_git(repo, "init", "-q", "-b", "main", when="2026-10-01T09:00:00Z")
    (repo / "README").write_text("hello\n", encoding="utf-8")
    run_git(repo, "add", ".", when="2026-10-01T09:00:00Z")
    run_git(repo, "commit", "-q", "-m", "Initial commit", when="2026-10-01T09:00:00Z")
    run_git(repo, "checkout", "-q", "-b", "feature", when="2026-10-02T08:00:00Z")
    (repo / "app.py").write_text("a = 1\nb = 2\n", encoding="utf-8")
    run_git(repo, "add", ".", when="2026-10-02T08:00:00Z")
    run_git(repo, "commit", "-q", "-m", "Start the app", when="2026-10-02T08:00:00Z")
    (repo / "app.py").write_text("a = 1\nb = 2\nc = 3\n", encoding="utf-8")
    run_git(repo, "commit", "-q", "-am", "More app", when="2026-10-02T10:00:00Z")
    run_git(repo, "checkout", "-q", "main", when="2026-10-03T12:00:00Z")
    merge = ["merge", "-q", "--no-ff", "feature", "-m", "Merge pull request #7 from acme/feature"]
    run_git(repo, *merge, when="2026-10-03T12:00:00Z")
    (repo / "ü.txt").write_text("grüße\n", encoding="utf-8")
    run_git(repo, "add", ".", when="2026-10-04T15:00:00Z")
    run_git(repo, "commit", "-q", "-m", "Fix the cart (#8)", when="2026-10-04T15:00:00Z")
    run_git(repo, "tag", "-a", "v1.0", "-m", "Release 1.0", when="2026-10-04T16:00:00Z")


def ingest(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HEADWAY), "ingest", *args, "-w", str(ws)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TZ": "America/Los_Angeles"},  # a machine zone other than UTC changes nothing
    )


def rows(ws: Path, table: str) -> list[dict[str, object]]:
    return pq.read_table(ws / ".headway" / "lake" / "delivery" / table / "data.parquet").to_pylist()


def test_ingest_git_reads_merges_squashes_and_tags(tmp_path: Path) -> None:
    repo, ws = tmp_path / "shop", make_workspace(tmp_path / "ws")
    build_repo(repo)
    done = ingest(ws, "git", str(repo), "--repo", "acme/shop")
    assert done.returncode == 0, done.stderr
    assert "changes" in done.stdout and "commits" in done.stdout
    changes = {c["change_id"]: c for c in rows(ws, "changes")}
    pr7, pr8 = changes["github:acme/shop#7"], changes["github:acme/shop#8"]
    assert pr7["first_commit_at"].isoformat() == "2026-10-02T08:00:00+00:00"
    assert pr7["merged_at"].isoformat() == "2026-10-03T12:00:00+00:00"
    assert (pr7["additions"], pr7["deletions"], pr7["size"]) == (3, 0, 3)
    assert pr7["service"] == "shop" and pr7["team"] == "checkout-team"
    assert pr8["first_commit_at"].isoformat() == "2026-10-04T15:00:00+00:00"
    assert pr8["title"] == "Fix the cart (#8)" and pr8["size"] == 1
    assert len(changes) == 3  # plus the initial commit, a change of its own
    commits = {c["message"]: c for c in rows(ws, "commits")}
    assert len(commits) == 5
    merge = commits["Merge pull request #7 from acme/feature"]
    assert merge["is_merge"] and len(str(merge["parents"]).split()) == 2
    assert commits["Initial commit"]["author"] == "Zoë Dev"
    (release,) = rows(ws, "deployments")
    assert release["environment"] == "release" and release["is_production"] is False
    assert release["sha"] == pr8["merge_sha"]
    assert release["finished_at"].isoformat() == "2026-10-04T16:00:00+00:00"


def test_ingest_git_twice_changes_nothing(tmp_path: Path) -> None:
    repo, ws = tmp_path / "shop", make_workspace(tmp_path / "ws")
    build_repo(repo)
    assert ingest(ws, "git", str(repo), "--repo", "acme/shop").returncode == 0
    first = {t: rows(ws, t) for t in ("changes", "commits", "deployments")}
    assert ingest(ws, "git", str(repo), "--repo", "acme/shop").returncode == 0
    assert {t: rows(ws, t) for t in first} == first


def test_ingest_git_refuses_bad_input(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    (tmp_path / "empty").mkdir()
    not_a_repo = ingest(ws, "git", str(tmp_path / "empty"), "--repo", "acme/shop")
    assert not_a_repo.returncode == 3 and "error:" in not_a_repo.stderr and "Traceback" not in not_a_repo.stderr
    bad_repo = ingest(ws, "git", str(tmp_path / "empty"), "--repo", "shop")
    assert bad_repo.returncode == 2 and "owner/name" in bad_repo.stderr


def test_pr_metrics_count_pull_requests_not_direct_commits(tmp_path: Path) -> None:
    """Week of 09-28 (to Sunday 10-04): #7 first commit 10-02 08:00, merged 10-03 12:00 -> 28 h; squash #8 -> 0 h
    (git keeps no branch after a squash). The initial commit is a change for lead time, but no pull request:
    PR cycle time is the median of {0, 28} = 14 over 2, not of {0, 0, 28}; PRs merged 2, not 3."""
    import datetime as dt

    from headway.engine import Engine, Query
    from headway.spec import load_workspace
    from headway.spec.models import Grain
    from tests.delivery.helpers import rows_of

    repo, ws = tmp_path / "shop", make_workspace(tmp_path / "ws")
    build_repo(repo)
    assert ingest(ws, "git", str(repo), "--repo", "acme/shop").returncode == 0
    engine = Engine(load_workspace(ws))
    week = (dt.date(2026, 9, 28), dt.date(2026, 10, 4))
    got = {m: rows_of(engine, Query(m, Grain.WEEK, (), *week)) for m in ("pr_cycle_time", "prs_merged")}
    assert [(r["value"], r["n"]) for r in got["pr_cycle_time"]] == [(14.0, 2)]
    assert [(r["value"], r["n"]) for r in got["prs_merged"]] == [(2, 2)]


def test_a_monorepo_split_by_path_ships_each_path_services_changes(tmp_path: Path) -> None:
    """The issue's own key `"acme/platform:path/billing/**": billing`, with tags as production releases.

    c0 10-01 09:00 initial (README); #1 branch commits 10-02 08:00 and 10:00 under path/billing/,
    merged 10-03 12:00; squash #2 `other.py` 10-04 15:00; tag v0.1 on c0 (first release: ships
    nothing), tag v0.2 at 10-05 10:00 on the head. v0.2's git range holds #1 (service billing) and
    #2 (service acme/platform): lead times 10-02 08:00 -> 10-05 10:00 = 74 h and 10-04 15:00 -> 19 h.
    """
    import datetime as dt

    from headway.engine import Engine, Query
    from headway.spec import load_workspace
    from headway.spec.models import Grain
    from tests.delivery.helpers import rows_of

    repo, ws = tmp_path / "platform", make_workspace(tmp_path / "ws")
    yml = ws / "headway.yml"
    text = yml.read_text(encoding="utf-8").replace('"acme/shop": shop}', '"acme/platform:path/billing/**": billing}')
    yml.write_text(text.replace("[production]", "[production, release]"), encoding="utf-8")
    repo.mkdir()
    run_git(repo, "init", "-q", "-b", "main", when="2026-10-01T09:00:00Z")
    (repo / "README").write_text("hello\n", encoding="utf-8")
    run_git(repo, "add", ".", when="2026-10-01T09:00:00Z")
    run_git(repo, "commit", "-q", "-m", "Initial commit", when="2026-10-01T09:00:00Z")
    run_git(repo, "tag", "v0.1", when="2026-10-01T09:00:00Z")
    run_git(repo, "checkout", "-q", "-b", "billing", when="2026-10-02T08:00:00Z")
    (repo / "path" / "billing").mkdir(parents=True)
    (repo / "path" / "billing" / "invoice.py").write_text("a = 1\n", encoding="utf-8")
    run_git(repo, "add", ".", when="2026-10-02T08:00:00Z")
    run_git(repo, "commit", "-q", "-m", "Invoices", when="2026-10-02T08:00:00Z")
    (repo / "path" / "billing" / "invoice.py").write_text("a = 1\nb = 2\n", encoding="utf-8")
    run_git(repo, "commit", "-q", "-am", "More invoices", when="2026-10-02T10:00:00Z")
    run_git(repo, "checkout", "-q", "main", when="2026-10-03T12:00:00Z")
    run_git(repo, "merge", "-q", "--no-ff", "billing", "-m", "Merge pull request #1 from acme/billing",
            when="2026-10-03T12:00:00Z")  # fmt: skip
    (repo / "other.py").write_text("x = 1\n", encoding="utf-8")
    run_git(repo, "add", ".", when="2026-10-04T15:00:00Z")
    run_git(repo, "commit", "-q", "-m", "Other thing (#2)", when="2026-10-04T15:00:00Z")
    run_git(repo, "tag", "-a", "v0.2", "-m", "Release 0.2", when="2026-10-05T10:00:00Z")
    assert ingest(ws, "git", str(repo), "--repo", "acme/platform").returncode == 0

    changes = {c["change_id"]: c for c in rows(ws, "changes")}
    assert (changes["github:acme/platform#1"]["service"], changes["github:acme/platform#2"]["service"]) == (
        "billing",
        "acme/platform",
    )
    shipped = {c["change_id"]: (c["deployment_id"], c["attribution"]) for c in changes.values()}
    assert shipped["github:acme/platform#1"] == ("git:acme/platform:tag:v0.2", "git_range")
    assert shipped["github:acme/platform#2"] == ("git:acme/platform:tag:v0.2", "git_range")
    week = (dt.date(2026, 10, 5), dt.date(2026, 10, 11))
    lead = rows_of(Engine(load_workspace(ws)), Query("change_lead_time", Grain.WEEK, ("service",), *week))
    assert {r["service"]: (r["value"], r["n"]) for r in lead} == {"billing": (74.0, 1), "acme/platform": (19.0, 1)}
