#!/bin/sh
# Package dependencies among Lifeboat's own packages, and the cycles among them, from the
# compiled classes (run a compile first, e.g. ./mvnw -B -o -q compile).
#   tools/package-deps.sh                      # backup-core
#   tools/package-deps.sh cli/target/classes   # any module
set -eu
cd "$(dirname "$0")/.."
classes=${1:-backup-core/target/classes}
jdeps -verbose:package -filter:none "$classes" \
    | awk '$1 ~ /^dev\.lifeboat\./ && $2 == "->" && $3 ~ /^dev\.lifeboat\./ && $1 != $3 { print $1, $3 }' \
    | sort -u \
    | python3 -c '
import sys, collections
edges = collections.defaultdict(set)
for line in sys.stdin:
    a, b = line.split()
    edges[a].add(b)
    edges.setdefault(b, set())
for a in sorted(edges):
    if edges[a]:
        print(a, "->", " ".join(sorted(edges[a])))
# strongly connected components of more than one package are the cycles
index, low, stack, on, cycles = {}, {}, [], set(), []
def visit(v):
    index[v] = low[v] = len(index); stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while True:
            w = stack.pop(); on.discard(w); component.append(w)
            if w == v:
                break
        if len(component) > 1:
            cycles.append(sorted(component))
for v in sorted(edges):
    if v not in index:
        visit(v)
print("cycles:", "; ".join(" <-> ".join(c) for c in cycles) if cycles else "none")
'
