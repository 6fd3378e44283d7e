#!/usr/bin/env python3
"""Independent lint input: N flows x N manifests over a shared, realistic vocabulary.
Keys are drawn from a fixed vocabulary (so one key is set by many manifests and read
by many flows) plus per-index keys; flows read with case/prefix/typo mistakes,
compare with known and unknown literals (Lower/Upper), and do unguarded arithmetic."""
import os, random, sys

WORDS = ("customer account order priority tier language region segment loyalty "
         "campaign channel device browser country currency basket product plan "
         "contract invoice ticket agent queue skill score status source medium "
         "session visitor member level").split()

def vocab():
    out = []
    for a in WORDS:
        for b in ("id", "name", "code", "tier", "type", "level", "count", "flag"):
            out.append(f"{a}_{b}")
    return sorted(set(out))

VALUES = ["gold", "silver", "bronze", "platinum", "basic", "premium", "trial", "vip"]

def main():
    n, d = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    V = vocab()
    fl, mf = os.path.join(d, "flows"), os.path.join(d, "manifests")
    os.makedirs(fl, exist_ok=True); os.makedirs(mf, exist_ok=True)
    for i in range(n):
        keys = rnd.sample(V, 7) + [f"own{i}_{rnd.choice(WORDS)}"]
        if i % 2:
            lines = [f"description: script {i}", "attributes:"] + [f"  - {k}" for k in keys]
            lines.append("values:")
            for k in keys[:3]:
                vs = rnd.sample(VALUES, 3)
                lines.append(f"  {k}: [{', '.join(vs)}]")
        else:
            lines = [f"conversation: c-{i}", "attributes:"] + [f"  {k}: {rnd.choice(VALUES)}" for k in keys]
        open(os.path.join(mf, f"m{i:05}.yaml"), "w").write("\n".join(lines) + "\n")
    for i in range(n):
        reads = rnd.sample(V, 5)
        t = rnd.choice(V)
        reads.append(t[:-1] + "x")          # typo
        reads.append(t.title())              # case
        reads.append("custom." + rnd.choice(V))  # prefix
        reads.append(f"own{(i * 7) % n}_{rnd.choice(WORDS)}")
        variables, attrs = [], []
        for k, key in enumerate(reads):
            variables.append(f"    - stringVariable:\n        name: Flow.A{k}\n        initialValue:\n          noValue: true")
            attrs.append(f"                - attribute:\n                    name:\n                      lit: {key}\n                    variable: Flow.A{k}")
        lit1, lit2 = rnd.choice(VALUES), rnd.choice(VALUES + ["Gold", "diamond"])
        body = f"""inboundShortMessage:
  name: Mixed lint flow {i}
  division: Home
  startUpRef: "/inboundShortMessage/states/state[Start_1]"
  defaultLanguage: en-us
  supportedLanguages:
    en-us:
      defaultLanguageSkill:
        noValue: true
  settingsErrorHandling:
    errorHandling:
      disconnect:
        none: true
  variables:
""" + "\n".join(variables) + """
  states:
    - state:
        name: Start
        refId: Start_1
        actions:
          - getParticipantData:
              name: Read
              attributes:
""" + "\n".join(attrs) + f"""
          - decision:
              name: Known
              condition:
                exp: 'Lower(Flow.A0) == "{lit1}" or Flow.A1 == "{lit2}"'
              outputs:
                "yes":
                  actions:
                    - disconnect:
                        name: Yes
          - decision:
              name: Count
              condition:
                exp: 'ToInt(Flow.A2) > 3'
              outputs:
                "yes":
                  actions:
                    - disconnect:
                        name: Many
          - disconnect:
              name: Done
"""
        open(os.path.join(fl, f"f{i:05}.yaml"), "w").write(body)

main()
