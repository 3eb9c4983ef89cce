"""`kulturassistent eval …`: the evaluation harness on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.settings import get_settings

app = typer.Typer(help="Utvärdering: guldfrågor, BEIR-benchmarks och jämförelser.", no_args_is_help=True)
console = Console()
REPO = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = REPO / "evals" / "questions.jsonl"
DEFAULT_PROBES = REPO / "evals" / "probe_questions.jsonl"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_BEIR = REPO.parent / "shared" / "benchmarks" / "swefaq-dev"
DEFAULT_REALDOCS = REPO.parent / "shared" / "realdocs"


def _select_split(questions, split: str, path: Path):
    splits_file = path.parent / "splits.json"
    if split == "all" or not splits_file.exists():
        return questions
    wanted = set(json.loads(splits_file.read_text())[split])
    return [q for q in questions if q.id in wanted]


def run_question_eval(file: Path, split: str, compare: bool, corpus: Path) -> dict[str, dict]:
    """Ours alone, or (compare) the retrieval baselines, the answer baselines, then ours, in one run."""
    from evals.baselines import evaluate_baselines
    from evals.configs import compare_configs, default_config
    from evals.harness import evaluate_config
    from evals.questions import load_questions

    settings = get_settings()
    questions = _select_split(load_questions(file), split, file)
    ours = default_config(settings.embed_model)
    if not compare:
        return {ours.name: evaluate_config(settings, corpus, ours, questions)}
    results = {
        c.name: evaluate_config(settings, corpus, c, questions) for c in compare_configs(settings.embed_model) if c != ours
    }
    results |= evaluate_baselines(settings, corpus, questions)
    results[ours.name] = evaluate_config(settings, corpus, ours, questions)
    return results


def run_beir_eval(directory: Path, compare: bool) -> dict[str, dict]:
    from evals.beir import load_beir
    from evals.beir_eval import evaluate_beir
    from evals.configs import compare_configs, default_config

    settings = get_settings()
    configs = compare_configs(settings.embed_model) if compare else [default_config(settings.embed_model)]
    return evaluate_beir(load_beir(directory), settings, configs)


@app.command()
def questions(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Frågefil (JSONL).")] = DEFAULT_QUESTIONS,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    split: Annotated[str, typer.Option(help="dev, test eller all (enligt splits.json bredvid filen).")] = "dev",
    compare: Annotated[bool, typer.Option("--compare", help=(
        "Jämför med baslinjer: BM25, rena dense-sökningar, de tre bästa passagerna rakt av "
        "och en vanlig llama-index-pipeline."))] = False,
    corpus: Annotated[Path, typer.Option(exists=True, file_okay=False)] = DEFAULT_CORPUS,
) -> None:
    """Kör guldfrågorna genom assistenten och mät träffar, källor, fakta och avstående."""
    from evals.report import QUESTION_COLUMNS, REALDOCS_COLUMNS, markdown_table

    results = run_question_eval(file, split, compare, corpus)
    paged = any("page_hit" in r["aggregate"] for r in results.values())
    columns = QUESTION_COLUMNS + [c for c in REALDOCS_COLUMNS if c not in QUESTION_COLUMNS] if paged else QUESTION_COLUMNS
    if as_json:
        if compare:
            print(json.dumps({name: r["aggregate"] for name, r in results.items()}, ensure_ascii=False, indent=2))
        else:
            print(json.dumps(next(iter(results.values())), ensure_ascii=False, indent=2))
        return
    for name, result in results.items():
        if not compare:
            for r in result["per_question"]:
                mark = "avstod" if r["abstained"] else f"fakta {r.get('fact_recall', 0) or 0:.2f}"
                page = f" sida {r['page_hit']}" if "page_hit" in r else ""
                console.print(f"{r['id']} [{r['category']}] {mark} källa {r.get('citation_hit', '–')}{page}", highlight=False)
    console.print(markdown_table({n: r["aggregate"] for n, r in results.items()}, columns), soft_wrap=True)


@app.command()
def beir(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="BEIR-mapp.")] = DEFAULT_BEIR,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    compare: Annotated[bool, typer.Option("--compare")] = False,
) -> None:
    """nDCG@10, MRR@10 och Recall@1/5/10 för retrievern på en BEIR-datamängd."""
    from evals.report import BEIR_COLUMNS, markdown_table

    results = run_beir_eval(directory, compare)
    if as_json:
        print(json.dumps(results if compare else next(iter(results.values())), ensure_ascii=False, indent=2))
        return
    console.print(markdown_table(results, BEIR_COLUMNS + ["index_seconds"]), soft_wrap=True)


@app.command()
def report(
    out_dir: Annotated[Path, typer.Option(file_okay=False)] = REPO / "evals",
    corpus: Annotated[Path, typer.Option(exists=True, file_okay=False)] = DEFAULT_CORPUS,
    beir_dir: Annotated[Path, typer.Option(exists=True, file_okay=False)] = DEFAULT_BEIR,
) -> None:
    """Skriv om evals/report.md och diagrammet med alla konfigurationer jämförda."""
    from evals.report import write_report

    question_results = run_question_eval(DEFAULT_QUESTIONS, "dev", True, corpus)
    held_out = run_question_eval(DEFAULT_QUESTIONS, "test", True, corpus)
    probes = run_question_eval(DEFAULT_PROBES, "all", True, corpus) if DEFAULT_PROBES.exists() else None
    beir_results = run_beir_eval(beir_dir, True)
    realdocs_file = DEFAULT_REALDOCS / "questions-A.jsonl"
    realdocs = (
        {n: r["aggregate"] for n, r in run_question_eval(realdocs_file, "all", False, DEFAULT_REALDOCS).items()}
        if realdocs_file.exists() else None
    )
    path = write_report(
        {n: r["aggregate"] for n, r in question_results.items()}, beir_results, "dev", beir_dir.name, out_dir,
        held_out={n: r["aggregate"] for n, r in held_out.items()}, realdocs=realdocs,
        probes={n: r["aggregate"] for n, r in probes.items()} if probes else None,
        decisions=_decision_evals(corpus, DEFAULT_REALDOCS),
    )
    console.print(f"Skrev {path} och {path.with_suffix('.png')}")


def _decision_eval(kind: str):
    """(evaluate, load questions, split ids) of the trail, timeline or version eval."""
    if kind == "trails":
        from evals.trail_eval import evaluate_trails
        from evals.trails import load_trail_questions, split_ids

        return evaluate_trails, load_trail_questions, split_ids
    if kind == "timelines":
        from evals.timeline_eval import evaluate_timelines
        from evals.timelines import load_timeline_questions, split_ids

        return evaluate_timelines, load_timeline_questions, split_ids
    from evals.version_eval import evaluate_versions
    from evals.versions import load_version_questions, split_ids

    return evaluate_versions, load_version_questions, split_ids


def _run_decision_eval(kind: str, split: str, corpus: Path, realdocs: Path) -> dict:
    evaluate, load, split_ids = _decision_eval(kind)
    return evaluate(get_settings(), corpus, realdocs, _of_split(load(), split, split_ids))


def _decision_evals(corpus: Path, realdocs: Path) -> dict[str, dict[str, dict]]:
    """Aggregates of the trail, timeline and version evals on dev and test, for the report."""
    titles = {"trails": "Decision trails", "timelines": "Timelines", "versions": "What applied when (versions)"}
    return {
        title: {split: _run_decision_eval(kind, split, corpus, realdocs)["aggregate"] for split in ("dev", "test")}
        for kind, title in titles.items()
    }


def _show(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print_aggregate(result["aggregate"])


@app.command()
def trails(
    split: Annotated[str, typer.Option("--split", help="dev, test eller all.")] = "dev",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    corpus: Annotated[Path, typer.Option("--corpus")] = DEFAULT_CORPUS,
    realdocs: Annotated[Path, typer.Option("--realdocs")] = DEFAULT_REALDOCS,
) -> None:
    """Beslutsspår: fullständighet (andel förväntade steg som finns och är citerade) mot baslinjer."""
    _show(_run_decision_eval("trails", split, corpus, realdocs), as_json)


@app.command()
def timelines(
    split: Annotated[str, typer.Option("--split", help="dev, test eller all.")] = "dev",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    corpus: Annotated[Path, typer.Option("--corpus")] = DEFAULT_CORPUS,
    realdocs: Annotated[Path, typer.Option("--realdocs")] = DEFAULT_REALDOCS,
) -> None:
    """Tidslinjer: andel förväntade händelser och ordningens träffsäkerhet, mot baslinjer."""
    _show(_run_decision_eval("timelines", split, corpus, realdocs), as_json)


@app.command()
def versions(
    split: Annotated[str, typer.Option("--split", help="dev, test eller all.")] = "dev",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    corpus: Annotated[Path, typer.Option("--corpus")] = DEFAULT_CORPUS,
    realdocs: Annotated[Path, typer.Option("--realdocs")] = DEFAULT_REALDOCS,
) -> None:
    """Lydelser: andel frågor om en § vid en tidpunkt som besvaras ur den lydelse som gällde då."""
    _show(_run_decision_eval("versions", split, corpus, realdocs), as_json)


def _of_split(questions: list, split: str, split_ids) -> list:
    """The questions of one split ('dev', 'test'), or all of them for 'all'."""
    if split == "all":
        return questions
    wanted = set(split_ids(questions)[split])
    return [q for q in questions if q.id in wanted]


def _print_aggregate(aggregate: dict[str, dict]) -> None:
    for name, metrics in aggregate.items():
        console.print(f"[bold]{name}[/]: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items()))
