"""`headway ingest git PATH --repo owner/name`: history from a local clone, no API token.

Reads the main line (first parents of HEAD) with `git log`: every commit becomes a
`commits` row with its parents (the graph git ranges use); every main-line commit becomes a
change: a merge commit is the pull request it merged (`Merge pull request #N`), its
branch's earliest authored commit starting the lead time; a squash commit `Title (#N)` is
PR N; any other commit is a change of its own. Tags become deployments to the environment
`release` (count them as production with `production_environments: [production, release]`).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from headway.delivery.inbox import Record
from headway.delivery.times import iso, utc

FIELD, END = "\x1f", "\x1e"
FORMAT = FIELD.join(["%H", "%P", "%an", "%aI", "%cI", "%s"]) + END
MERGE_PR = re.compile(r"^Merge pull request #(\d+)")
SQUASH_PR = re.compile(r"\(#(\d+)\)\s*$")
MERGE_MR = re.compile(r"See merge request [^!]*!(\d+)")


class GitError(RuntimeError):
    """git refused: not a repository, no commits, or git is missing."""


def git(path: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise GitError("git is not installed") from error
    if done.returncode != 0:
        raise GitError(done.stderr.strip().splitlines()[0] if done.stderr.strip() else f"git {args[0]} failed")
    return done.stdout


def _commits(path: Path) -> list[dict[str, Any]]:
    out = []
    for chunk in git(path, "log", "--topo-order", "--reverse", f"--format={FORMAT}", "HEAD").split(END):
        parts = chunk.strip("\n").split(FIELD)
        if len(parts) != 6:
            continue
        sha, parents, author, authored, committed, subject = parts
        out.append(
            {
                "sha": sha,
                "parents": parents,
                "author": author,
                "authored_at": utc(authored),
                "committed_at": utc(committed),
                "message": subject,
            }
        )
    return out


def _numstat(path: Path) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    """Lines added, deleted and paths of each main-line commit, against its first parent."""
    text = git(path, "log", "--first-parent", "-m", "--numstat", f"--format={END}%H", "HEAD")
    stats: dict[str, tuple[int, int, tuple[str, ...]]] = {}
    for block in text.split(END)[1:]:
        lines = block.strip("\n").splitlines()
        if not lines:
            continue
        added = deleted = 0
        paths = []
        for line in lines[1:]:
            cells = line.split("\t")
            if len(cells) == 3:
                added += int(cells[0]) if cells[0].isdigit() else 0
                deleted += int(cells[1]) if cells[1].isdigit() else 0
                paths.append(cells[2])
        stats[lines[0]] = (added, deleted, tuple(paths))
    return stats


def import_git(path: Path, repo: str, advance: Callable[[int], None] = lambda _: None) -> list[tuple[str, Record]]:
    """Every record the repository yields, keyed so that importing again replaces, never duplicates."""
    commits = _commits(path)
    if not commits:
        raise GitError(f"{path} has no commits")
    by_sha = {c["sha"]: c for c in commits}
    main_line = set(git(path, "rev-list", "--first-parent", "HEAD").split())
    stats = _numstat(path)
    out: list[tuple[str, Record]] = []
    for commit in commits:
        out.append((f"git:{repo}:{commit['sha']}", _commit_record(repo, commit)))
        if commit["sha"] in main_line:
            out.append((f"git:{repo}:{commit['sha']}", _change(path, repo, commit, by_sha, stats)))
        advance(1)
    for tag, sha, at in _tags(path):
        record = Record(
            "deployments",
            f"git:{repo}:tag:{tag}",
            {"provider": "git", "repo": repo, "environment": "release", "sha": sha, "result": "success",
             "started_at": iso(at), "finished_at": iso(at)},
        )  # fmt: skip
        out.append((f"git:{repo}:tag:{tag}", record))
    return out


def _commit_record(repo: str, commit: dict[str, Any]) -> Record:
    return Record(
        "commits",
        f"{repo}@{commit['sha']}",
        {
            "repo": repo,
            "sha": commit["sha"],
            "author": commit["author"],
            "authored_at": iso(commit["authored_at"]),
            "committed_at": iso(commit["committed_at"]),
            "parents": commit["parents"],
            "is_merge": len(commit["parents"].split()) > 1,
            "message": commit["message"],
        },
    )


def _change(path: Path, repo: str, commit: dict[str, Any], by_sha: dict[str, Any], stats: dict[str, Any]) -> Record:
    parents = commit["parents"].split()
    first = commit["authored_at"]
    if len(parents) > 1:  # the branch's own commits: reachable from the second parent, not the first
        branch = git(path, "rev-list", f"{parents[0]}..{parents[1]}").split()
        first = min((by_sha[s]["authored_at"] for s in branch if s in by_sha), default=first)
    message = commit["message"]
    gitlab = MERGE_MR.search(message)
    number_match = MERGE_PR.search(message) or SQUASH_PR.search(message) or gitlab
    number = int(number_match.group(1)) if number_match else None
    provider = "gitlab" if gitlab else "github"  # the key a webhook for the same PR/MR would use
    key = f"{provider}:{repo}#{number}" if number is not None else f"git:{repo}@{commit['sha'][:12]}"
    added, deleted, paths = stats.get(commit["sha"], (0, 0, ()))
    merged = iso(commit["committed_at"])
    return Record(
        "changes",
        key,
        {
            "repo": repo,
            "number": number,
            "title": message,
            "author": commit["author"],
            "state": "merged",
            "first_commit_at": iso(first),
            "merged_at": merged,
            "closed_at": merged,
            "merge_sha": commit["sha"],
            "additions": added,
            "deletions": deleted,
            "paths": list(paths),
        },
    )


def _tags(path: Path) -> list[tuple[str, str, Any]]:
    fmt = FIELD.join(["%(refname:short)", "%(objectname)", "%(*objectname)", "%(creatordate:iso-strict)"])
    out = []
    for line in git(path, "for-each-ref", "refs/tags", f"--format={fmt}").splitlines():
        name, obj, peeled, created = line.split(FIELD)
        out.append((name, peeled or obj, utc(created)))
    return out
