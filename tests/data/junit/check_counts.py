#!/usr/bin/env python3
"""Read a JUnit file with junitparser (a reader independent of routecheck) and assert its
counts: check_counts.py FILE --suites N --tests N --failures N --errors N --skipped N."""

import argparse
import sys

from junitparser import Error, Failure, JUnitXml, Skipped


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("file")
    for k in ("suites", "tests", "failures", "errors", "skipped"):
        p.add_argument(f"--{k}", type=int, required=True)
    want = p.parse_args()

    xml = JUnitXml.fromfile(want.file)
    suites = list(xml)
    got = {"suites": len(suites), "tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    problems = []
    for suite in suites:
        cases = list(suite)
        kinds = {"failures": Failure, "errors": Error, "skipped": Skipped}
        counted = {k: sum(1 for c in cases if any(isinstance(r, t) for r in c.result))
                   for k, t in kinds.items()}
        # The suite's own attributes must agree with its cases.
        for attr, n in (("tests", len(cases)), ("failures", counted["failures"]),
                        ("errors", counted["errors"])):
            if getattr(suite, attr) != n:
                problems.append(f"suite {suite.name!r}: {attr}={getattr(suite, attr)} but {n} cases")
        # Every rules file's suite names its file; routecheck's own suites (load errors,
        # --min-coverage verdicts) stand for no single file.
        if suite._elem.get("file") is None and suite.name not in ("routecheck", "routecheck coverage"):
            problems.append(f"suite {suite.name!r} has no file attribute")
        got["tests"] += len(cases)
        for k, n in counted.items():
            got[k] += n
    for k, v in got.items():
        if v != getattr(want, k):
            problems.append(f"{k}: expected {getattr(want, k)}, found {v}")
    if problems:
        print(f"{want.file}:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"{want.file}: {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
