"""`headway ingest ...`: delivery history from a git clone and from exports, into the canonical tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from headway.cli.common import Exit, WorkspaceOption, console, fail, open_workspace
from headway.cli.ingest_group import FileOrSubcommand

if TYPE_CHECKING:
    from headway.delivery.inbox import Record

# the importers (Arrow, YAML, the git reader) load when a command runs, not for `headway --help`

app = typer.Typer(
    cls=FileOrSubcommand,
    help="Import data: telemetry files (`headway ingest FILE --source NAME`) and delivery history "
    "(git, GitHub/GitLab JSON, Jira/Linear/incident CSV).",
    no_args_is_help=True,
)
RepoOption = Annotated[str, typer.Option("--repo", help="owner/name, as in delivery.services.")]
FileArg = Annotated[Path, typer.Argument(help="The export file.", exists=True, dir_okay=False, readable=True)]


def _check_repo(repo: str) -> str:
    if repo.count("/") < 1 or not all(repo.split("/")):
        fail(f"--repo '{repo}' is not owner/name", Exit.USAGE, "For example: --repo acme/shop")
    return repo


def _progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=console, transient=True)


def _store(workspace: Path, label: str, read: Callable[[], list[tuple[str, Record]]]) -> None:
    from rich.table import Table

    from headway.delivery import Inbox, Processor
    from headway.delivery.exports import ExportError
    from headway.delivery.gitimport import GitError

    ws = open_workspace(workspace)
    try:
        records = read()
    except (ExportError, GitError) as error:
        fail(str(error), Exit.FAILED)
    inbox = Inbox.for_workspace(ws.root)
    try:
        with _progress() as bar:
            task = bar.add_task(f"storing {label}", total=len(records))
            for start in range(0, len(records), 500):
                inbox.put_records(records[start : start + 500])
                bar.advance(task, len(records[start : start + 500]))
            bar.add_task("rebuilding the delivery tables", total=None)
            Processor(ws.root, ws.config.delivery, inbox, ws.config.timezone).rebuild()
    finally:
        inbox.close()
    counts: dict[str, int] = {}
    for _, record in records:
        counts[record.table] = counts.get(record.table, 0) + 1
    table = Table("table", "rows imported", title=label)
    for name, count in sorted(counts.items()):
        table.add_row(name, f"{count:,}")
    console.print(table)


@app.command("git")
def ingest_git(
    path: Annotated[Path, typer.Argument(help="A local clone.", exists=True, file_okay=False)],
    repo: RepoOption,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Commits, merges (as changes) and tags (as `release` deployments) of a local repository."""
    _check_repo(repo)

    def read() -> list[tuple[str, Record]]:
        from headway.delivery.gitimport import git, import_git

        total = len(git(path, "rev-list", "HEAD").split())
        with _progress() as bar:
            task = bar.add_task(f"reading {path.name}", total=total)
            return import_git(path, repo, lambda n: bar.advance(task, n))

    _store(workspace, f"git {repo}", read)


@app.command("github-prs")
def ingest_github_prs(file: FileArg, repo: RepoOption, workspace: WorkspaceOption = Path(".")) -> None:
    """Pull requests from the GitHub REST API (`/pulls?state=all`), as one JSON list."""
    from headway.delivery.exports import github_prs

    _store(workspace, f"GitHub PRs {repo}", lambda: github_prs(file, _check_repo(repo)))


@app.command("github-deployments")
def ingest_github_deployments(file: FileArg, repo: RepoOption, workspace: WorkspaceOption = Path(".")) -> None:
    """Deployments from the GitHub REST API, each with its `statuses` list."""
    from headway.delivery.exports import github_deployments

    _store(workspace, f"GitHub deployments {repo}", lambda: github_deployments(file, _check_repo(repo)))


@app.command("gitlab-mrs")
def ingest_gitlab_mrs(file: FileArg, repo: RepoOption, workspace: WorkspaceOption = Path(".")) -> None:
    """Merge requests from the GitLab API (`/merge_requests?state=all`), as one JSON list."""
    from headway.delivery.exports import gitlab_mrs

    _store(workspace, f"GitLab MRs {repo}", lambda: gitlab_mrs(file, _check_repo(repo)))


@app.command("jira")
def ingest_jira(file: FileArg, workspace: WorkspaceOption = Path(".")) -> None:
    """A Jira CSV export (Issue key, Issue Type, Status, Created, Resolved, Sprint, Story Points)."""
    from headway.delivery.exports import tracker_csv

    _store(workspace, f"Jira {file.name}", lambda: tracker_csv(file, "jira"))


@app.command("linear")
def ingest_linear(file: FileArg, workspace: WorkspaceOption = Path(".")) -> None:
    """A Linear CSV export (ID, Team, Status, Estimate, Created, Started, Completed, Cycle Start/End)."""
    from headway.delivery.exports import tracker_csv

    _store(workspace, f"Linear {file.name}", lambda: tracker_csv(file, "linear"))


@app.command("incidents")
def ingest_incidents(
    file: FileArg,
    repo: Annotated[str | None, typer.Option("--repo", help="Repository the incidents belong to.")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """An incident CSV (PagerDuty or Opsgenie columns: id, title, service, created, resolved, severity)."""
    from headway.delivery.exports import incidents_csv

    _store(workspace, f"incidents {file.name}", lambda: incidents_csv(file, repo))
