#!/usr/bin/env python3
"""Read one routecheck JUnit file with three readers independent of routecheck
(junitparser, xunitparser, junit2html) and check each agrees with the JSON report of the
same run: read_three.py JUNIT.xml REPORT.json HTML_OUT.

Every reader must parse the file without error and count the same passed, failed,
errors and skipped as the JSON `summary`; coverage properties must sit only on the suite
of the rules file whose flow they describe (no property name twice in the file), and
every flow of the JSON coverage must appear exactly once."""

import html as html_text
import json
import subprocess
import sys
from collections import Counter


def main() -> int:
    junit, report, html = sys.argv[1:4]
    summary = json.load(open(report, encoding="utf-8"))
    want = summary["summary"]
    want = {k: want[k] for k in ("passed", "failed", "errors", "skipped")}
    problems = []

    # 1. junitparser
    from junitparser import Error, Failure, JUnitXml, Skipped

    xml = JUnitXml.fromfile(junit)
    got = Counter()
    props = Counter()
    for suite in xml:
        for case in suite:
            kinds = [r for r in case.result]
            if any(isinstance(r, Failure) for r in kinds):
                got["failed"] += 1
            elif any(isinstance(r, Error) for r in kinds):
                got["errors"] += 1
            elif any(isinstance(r, Skipped) for r in kinds):
                got["skipped"] += 1
            else:
                got["passed"] += 1
        for p in suite.properties():
            props[p.name] += 1
    got = {k: got[k] for k in want}
    if got != want:
        problems.append(f"junitparser counts {got}, JSON summary {want}")
    repeated = [name for name, n in props.items() if n > 1]
    if repeated:
        problems.append(f"properties repeated on several suites: {repeated}")
    for flow in (summary.get("coverage") or {}).get("flows", []):
        if props[f"coverage:{flow['file']}"] != 1:
            problems.append(f"flow {flow['file']} is not on exactly one suite")
        below = props.get(f"coverage:{flow['file']}:min")
        if summary["coverage"].get("min_percent") is not None and below != 1:
            problems.append(f"flow {flow['file']} has no --min-coverage verdict")

    # 2. xunitparser (it crashed on repeated suite properties before)
    import xunitparser

    with open(junit, encoding="utf-8") as f:
        _, result = xunitparser.parse(f)
    x = {
        "failed": len(result.failures),
        "errors": len(result.errors),
        "skipped": len(result.skipped),
    }
    x["passed"] = result.testsRun - sum(x.values())
    if x != want:
        problems.append(f"xunitparser counts {x}, JSON summary {want}")

    # 3. junit2html renders it (a crash or an empty page is a failure)
    r = subprocess.run(["junit2html", junit, html], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append(f"junit2html exited {r.returncode}: {r.stderr.strip()}")
    else:
        page = html_text.unescape(open(html, encoding="utf-8").read())
        for s in summary["suites"]:
            if s["name"] not in page:
                problems.append(f"junit2html's page misses suite {s['name']!r}")

    if problems:
        print(f"{junit}:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"{junit}: junitparser, xunitparser and junit2html agree with the JSON summary {want}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
