"""`make bench-search`: search latency over 5,000 generated documents.

Builds a separate database (SEARCH_BENCH_DATABASE_URL, default veileder_search_bench) from
scratch: migrations, then 5,000 published chapters, steps, examples, glossary terms and pages
whose text is drawn from the guide's own words and compounds of them, then VACUUM ANALYZE and the
search vocabulary. It then times `portal.search.search()` end to end (ranking on the stored
tsvector column, the trigram vocabulary, and the highlighted snippets of the first page) for
representative queries, and prints p50 and p95. Target: p95 at most 25 ms.

    .venv/bin/python bench/search_bench.py [--documents 5000] [--rounds 30] [--keep]
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get(
    "SEARCH_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/veileder_search_bench"
)
TARGET_P95_MS = 25.0

QUERIES = [
    "fylkeskommunen",  # in nearly every document
    "strategi",
    "strategier",  # stemming
    "utvikling",  # part of compounds
    "næringsutvikling",
    "smart spesialisering",
    "regional plan",
    "entreprenørielle oppdagelser",
    "strtegi",  # typo
    "næringsutviking",  # typo in a compound
    '"felles visjon"',  # phrase
    "klynge -eu",  # exclusion
    "havbruk sjømat eksport",
    "xyzzyqwf",  # nothing
]


def recreate_database(url: str) -> None:
    import dj_database_url

    config = dj_database_url.parse(url)
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**params, autocommit=True) as connection:
        name = sql.Identifier(config["NAME"])
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def guide_words() -> Counter:
    """The guide's own words with how often it uses them: generated text follows the same
    distribution, so a common word in the guide is common in the benchmark too."""
    text = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "content").rglob("*.md"))
    text = re.sub(r"\(/[^)]*\)|https?://\S+|[#*_`>|\[\]()]", " ", text)
    return Counter(w.lower() for w in re.findall(r"[a-zæøåA-ZÆØÅ]{2,}", text))


def generate(documents: int, seed: int = 2026) -> None:
    from django.core.management import call_command
    from django.db import connection

    from portal import search
    from portal.models import Chapter, ExampleCase, GlossaryTerm, Page, ProcessStep, Status

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    frequencies = guide_words()
    words, weights = list(frequencies), list(frequencies.values())
    # New compounds, as a larger guide would have: rare, like most compounds.
    longer = [w for w in words if len(w) > 4]
    compounds = [f"{rng.choice(longer)}{rng.choice(longer)}" for _ in range(len(words))]
    words += compounds
    weights += [0.2] * len(compounds)

    def sentence() -> str:
        return " ".join(rng.choices(words, weights, k=rng.randint(8, 18))).capitalize() + "."

    def text(low: int, high: int) -> str:
        """About low-high words, in paragraphs under ## headings."""
        parts, count, target = [], 0, rng.randint(low, high)
        while count < target:
            if len(parts) % 4 == 0:
                parts.append(f"## {sentence()[:-1]}")
            paragraph = " ".join(sentence() for _ in range(rng.randint(3, 6)))
            parts.append(paragraph)
            count += len(paragraph.split())
        return "\n\n".join(parts)

    # Shares and lengths (words) like the guide's: long chapters and steps, short terms.
    share = {"chapter": 0.3, "example": 0.35, "term": 0.2, "page": 0.13}
    counts = {kind: int(documents * part) for kind, part in share.items()}
    counts["step"] = documents - sum(counts.values())
    published = Status.PUBLISHED
    Chapter.objects.bulk_create(
        Chapter(
            slug=f"kapittel-{n}",
            title=sentence()[:120],
            lead=sentence(),
            body=text(500, 2000),
            part=Chapter.Part.MAIN,
            order=n,
            status=published,
        )
        for n in range(counts["chapter"])
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(
            slug=f"steg-{n}",
            order=n + 1,
            name=sentence()[:80],
            summary=sentence(),
            body=text(400, 1200),
            questions="\n".join(sentence() for _ in range(6)),
            status=published,
        )
        for n in range(counts["step"])
    )
    ExampleCase.objects.bulk_create(
        ExampleCase(
            slug=f"eksempel-{n}",
            title=sentence()[:120],
            summary=sentence(),
            body=text(150, 600),
            region=rng.choice(["Nord", "Vest", "Midt", "Sør", "Øst"]),
            kind=ExampleCase.Kind.ILLUSTRATIVE,
            status=published,
        )
        for n in range(counts["example"])
    )
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(
            slug=f"begrep-{n}",
            term=rng.choice(longer).capitalize(),
            definition=" ".join(sentence() for _ in range(rng.randint(1, 4))),
            status=published,
        )
        for n in range(counts["term"])
    )
    Page.objects.bulk_create(
        Page(
            slug=f"side-{n}",
            title=sentence()[:120],
            lead=sentence(),
            body=text(100, 500),
            status=published,
        )
        for n in range(counts["page"])
    )
    search.refresh_vocabulary()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(rounds: int) -> dict[str, list[float]]:
    from portal import search

    timings: dict[str, list[float]] = {query: [] for query in QUERIES}
    for query in QUERIES:  # warm up: connection, caches, rendered Markdown of the hits
        search.search(query)
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            search.search(query)
            timings[query].append((time.perf_counter() - started) * 1000)
    return timings


def index_in_use() -> str:
    from django.db import connection

    from portal.search.statement import SEARCH_SQL

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN " + SEARCH_SQL["nb"],
            {
                "query": "strategi",
                "tokens": ["strategi"],
                "title": "strategi",
                "kind": None,
                "limit": 20,
                "offset": 0,
            },
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    used = sorted(set(re.findall(r"Bitmap Index Scan on (\w+_search)\b", plan)))
    return ", ".join(used) or "none (sequential scans)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse the database if it is there")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veileder.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)  # the Markdown cache in local memory, as without Redis

    started = time.perf_counter()
    if not args.keep:
        recreate_database(BENCH_URL)
    import django

    django.setup()
    from portal.models import Chapter

    if not args.keep or not Chapter.objects.exists():
        generate(args.documents)
    built = time.perf_counter() - started

    from django.db import connection

    from portal.search import DOCUMENT_TABLES

    with connection.cursor() as cursor:
        total = 0
        for table in DOCUMENT_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            total += cursor.fetchone()[0]

    timings = measure(args.rounds)
    every = [t for values in timings.values() for t in values]
    p50, p95 = percentile(every, 0.50), percentile(every, 0.95)

    print(
        f"Search benchmark: {total} documents ({BENCH_URL.rsplit('/', 1)[-1]}, built in "
        f"{built:.0f} s), {len(QUERIES)} queries x {args.rounds} rounds, end to end with "
        "snippets"
    )
    print(f"GIN indexes used for 'strategi': {index_in_use()}")
    print(f"{'query':32} {'p50 ms':>8} {'p95 ms':>8}")
    for query, values in timings.items():
        print(f"{query:32} {percentile(values, 0.5):8.1f} {percentile(values, 0.95):8.1f}")
    verdict = "OK" if p95 <= TARGET_P95_MS else "OVER TARGET"
    print(
        f"{'all queries':32} {p50:8.1f} {p95:8.1f}   target p95 <= {TARGET_P95_MS:.0f} ms: "
        f"{verdict}"
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"mean {statistics.fmean(every):.1f} ms, max {max(every):.1f} ms; "
        f"load average during the run {load} on {os.cpu_count()} CPUs"
    )
    return 0 if p95 <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
