#!/usr/bin/env python3
"""Independent `routecheck test` input: N cases x 10 checks, fixtures of varied size
(2-40 messages, 6-14 attributes), every 5th fixture also used by a second case far
away in the file (case i and case i + N/2), so releasing a fixture after its first
case would be wrong. All checks pass."""
import json, os, random, sys

n, d = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(11)
os.makedirs(os.path.join(d, "fx"), exist_ok=True)
TIERS = ["gold", "silver", "bronze", "vip"]

def conv(i):
    r = random.Random(i)
    attrs = {"tier": TIERS[i % 4], "account": f"A{i:07}", "locale": "en-gb", "score": str(i % 23)}
    for k in range(r.randint(2, 10)):
        attrs[f"extra_{k}"] = "x" * r.randint(4, 60)
    msgs = [{"id": f"m{i}-{m}", "direction": "inbound" if m % 2 else "outbound",
             "state": "sent", "text": f"hello {m} " * r.randint(1, 12),
             "timestamp": f"2026-10-01T10:{m % 60:02}:00Z"} for m in range(r.randint(2, 40))]
    return {"id": f"conv-{i}", "startTime": "2026-10-01T10:00:00Z",
            "participants": [
                {"id": f"p{i}", "purpose": "customer", "name": "Guest", "state": "connected",
                 "attributes": attrs, "messages": msgs},
                {"id": f"q{i}", "purpose": "acd", "queueId": f"queue-{i % 9}", "attributes": attrs},
                {"id": f"g{i}", "purpose": "agent", "userId": f"user-{i % 31}", "attributes": {}}]}

def fixture_of(c):
    half = n // 2
    if c >= half and (c - half) % 5 == 0:
        return c - half          # shared with an earlier case
    return c

lines = ["suite: memory", "bindings:", "  Flow.Tier: tier", "  Flow.Score: score",
         "  Flow.Locale: locale", "cases:"]
written = set()
for c in range(n):
    f = fixture_of(c)
    if f not in written:
        with open(os.path.join(d, "fx", f"{f:06}.json"), "w") as fh:
            json.dump(conv(f), fh, indent=1)
        written.add(f)
    t = TIERS[f % 4]
    lines += [f"  - name: mem {c}", f"    fixture: fx/{f:06}.json", "    expect:",
              f"      - condition: Flow.Tier == \"{t}\"",
              f"      - attribute: account", f"        equals: A{f:07}",
              f"      - attribute: locale", f"        matches: \"^[a-z]{{2}}-[a-z]{{2}}$\"",
              f"      - value: ToInt(Flow.Score) + 1", f"        equals: {f % 23 + 1}",
              f"      - condition: Upper(Flow.Tier) == \"{t.upper()}\"",
              f"      - attribute: escalated", f"        set: false",
              f"      - condition: Left(Flow.Locale, 2) == \"en\"",
              f"      - attribute: tier", f"        starts_with: \"{t[:2]}\"",
              f"      - value: Length(Flow.Tier)", f"        equals: {len(t)}",
              '      - condition: "!IsNotSetOrEmpty(Flow.Score)"']
open(os.path.join(d, "memory.yaml"), "w").write("\n".join(lines) + "\n")
print(f"wrote {n} cases, {len(written)} fixtures", file=sys.stderr)
