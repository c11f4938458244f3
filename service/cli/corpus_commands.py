"""Commands that check and maintain the training corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from triage.errors import TriageError

from .common import corpus_app, fail


@corpus_app.command("check")
def corpus_check(
    corpus: Annotated[Path | None, typer.Option(metavar="DIR", help="Corpus folder of .jsonl files.")] = None,
    dev: Annotated[Path | None, typer.Option(metavar="FILE", help="Dev set the corpus must not overlap.")] = None,
) -> None:
    """Check the corpus: schema, promised counts, near-duplicates, no overlap with the dev set.

    Exits 1 and lists the problems when a check fails.

    Example: triage corpus check
    """
    from training.checks import check_corpus

    try:
        report = check_corpus(corpus, dev)
    except TriageError as e:
        fail(str(e))
    for key in sorted(report.counts):
        typer.echo(f"{key:32s} {report.counts[key]}")
    for score_, a, b in report.near_duplicates[:20]:
        typer.echo(f"near-duplicate {score_:.2f}: {a} ~ {b}")
    if not report.ok:
        for problem in report.problems:
            typer.echo(f"problem: {problem}", err=True)
        fail(f"{len(report.problems)} corpus check(s) failed")
    typer.echo("corpus checks passed")


@corpus_app.command("split")
def corpus_split(
    corpus: Annotated[Path | None, typer.Option(metavar="DIR", help="Corpus folder of .jsonl files.")] = None,
) -> None:
    """Give every corpus row without a split one (about 15% held out, stratified); existing splits stay.

    Example: triage corpus split
    """
    from training.split import write_splits

    try:
        assigned = write_splits(corpus)
    except TriageError as e:
        fail(str(e))
    typer.echo(f"assigned a split to {assigned} rows")
