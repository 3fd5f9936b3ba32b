#!/bin/sh
# Issue 12, "WAL format apart from WAL archiving": the mechanical half of the package split.
#
# Moves the archiving services out of dev.lifeboat.core.wal (format only from now on) and the
# multi-repository archiving out of dev.lifeboat.core.repo into dev.lifeboat.core.archive, and
# Json out of repo into dev.lifeboat.core.json. Test classes named after a moved class
# (<Class>Test.java, <Class>SomethingIT.java, ...) move with it.
#
# Written to be replayed on a tree where other work has landed meanwhile, so it never edits by
# line number: every *.java file under */src/{main,test}/java gets
#   - the moved classes' fully qualified names rewritten (imports, static imports, code, Javadoc);
#   - its package line set from its directory, where that line still names an old package;
#   - an import of a moved class it used from the old package without one, and, in a moved
#     file, of the old package's classes it used without one (Javadoc-only mentions become
#     fully qualified {@link}s instead, so that no import exists for a comment alone);
#   - no import of a class in its own package.
# Idempotent: a second run changes nothing. Needs git and python3; run from anywhere:
#   tools/move-packages.sh && ./mvnw -B -o -q test-compile
set -eu
cd "$(dirname "$0")/.."

python3 - <<'PY'
import os, re, subprocess, sys

# (old package, new package, top-level classes) -- the whole move list.
MOVES = [
    ("dev.lifeboat.core.wal", "dev.lifeboat.core.archive", [
        "WalPushService", "SegmentBuffers", "WalSummaries", "ReadyWalBatch",
        "WalFetchService", "FallThroughWalFetch", "ArchivedSegmentCheck", "WalInventory",
    ]),
    ("dev.lifeboat.core.repo", "dev.lifeboat.core.archive", [
        "RepositorySet", "WalFanOut", "WalCatchUpQueue", "StreamedWal",
    ]),
    ("dev.lifeboat.core.repo", "dev.lifeboat.core.json", [
        "Json",
    ]),
]

def roots():
    found = []
    for top, dirs, files in os.walk("."):
        dirs[:] = [d for d in dirs if d not in ("target", ".git", "node_modules")]
        if re.search(r"/src/(main|test)/java$", top):
            found.append(top)
            dirs[:] = []
    return sorted(found)

ROOTS = roots()
pkg_dir = lambda p: p.replace(".", "/")

# 1. git mv (main classes, then tests named after them)
moved = {}  # (old, new) -> simple names moved (main and test)
for old, new, classes in MOVES:
    names = moved.setdefault((old, new), set(classes))
    test_name = re.compile(r"^(" + "|".join(classes) + r")[A-Za-z0-9_]*(Test|IT)\.java$")
    for root in ROOTS:
        src_dir = os.path.join(root, pkg_dir(old))
        dst_dir = os.path.join(root, pkg_dir(new))
        if not os.path.isdir(src_dir):
            continue
        for f in sorted(os.listdir(src_dir)):
            if not f.endswith(".java"):
                continue
            simple = f[:-5]
            if simple in classes or ("/src/test/" in root and test_name.match(f)):
                names.add(simple)
                dst = os.path.join(dst_dir, f)
                if os.path.exists(dst):
                    sys.exit("move-packages: both %s and %s exist" % (os.path.join(src_dir, f), dst))
                os.makedirs(dst_dir, exist_ok=True)
                src = os.path.join(src_dir, f)
                tracked = subprocess.run(["git", "ls-files", "--error-unmatch", src],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
                if tracked:
                    subprocess.run(["git", "mv", src, dst], check=True)
                else:  # a new file not added yet: moved all the same
                    os.rename(src, dst)

# 2. index: package -> top-level type names, from the files as they are now
index = {}
files = []
for root in ROOTS:
    for top, dirs, fs in os.walk(root):
        for f in fs:
            if f.endswith(".java"):
                path = os.path.join(top, f)
                files.append((root, path))
                if f != "package-info.java" and f != "module-info.java":
                    pkg = os.path.relpath(top, root).replace("/", ".")
                    index.setdefault(pkg, set()).add(f[:-5])

def code_only(text):
    """The text with comments, string, char and text-block literals blanked out."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" "); i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(" "); i = j
        elif text.startswith('"""', i):
            j = text.find('"""', i + 3)
            j = n if j < 0 else j + 3
            out.append('""'); i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c); i = j + 1
        else:
            out.append(c); i += 1
    return "".join(out)

IMPORT = re.compile(r"^import\s+(static\s+)?([\w.]+)(\.\*)?\s*;", re.M)

def imported_simple_names(text):
    return {m.group(2).rsplit(".", 1)[-1] for m in IMPORT.finditer(text) if not m.group(1) and not m.group(3)}

def add_import(text, fqn):
    line = "import %s;" % fqn
    lines = text.split("\n")
    ours = [i for i, l in enumerate(lines) if l.startswith("import dev.lifeboat.")]
    if ours:
        at = next((i for i in ours if lines[i] > line), ours[-1] + 1)
        lines.insert(at, line)
    else:
        pkg = next(i for i, l in enumerate(lines) if l.startswith("package "))
        lines[pkg + 1:pkg + 1] = ["", line]
    return "\n".join(lines)

def sort_our_imports(text):
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("import dev.lifeboat."):
            j = i
            while j < len(lines) and lines[j].startswith("import dev.lifeboat."):
                j += 1
            block = sorted(set(lines[i:j]))
            lines[i:j] = block
            i += len(block)
        else:
            i += 1
    return "\n".join(lines)

def qualify_javadoc(text, simple, fqn):
    return re.sub(r"(\{@link(?:plain)?\s+|@see\s+)" + simple + r"(?=[#\s}(])", lambda m: m.group(1) + fqn, text)

changed = 0
for root, path in files:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    original = text
    pkg = os.path.relpath(os.path.dirname(path), root).replace("/", ".")

    # fully qualified names, then the package line of a moved file
    for (old, new), names in moved.items():
        for simple in names:
            text = re.sub(r"\b" + re.escape(old + "." + simple) + r"\b", new + "." + simple, text)
    declared = re.search(r"^package\s+([\w.]+)\s*;", text, re.M)
    if declared and declared.group(1) != pkg and any(declared.group(1) == old for old, _, _ in MOVES):
        text = text[:declared.start(1)] + pkg + text[declared.end(1):]

    if not os.path.basename(path) == "package-info.java":
        code = code_only(text)
        # names used unqualified (not Outer.Name, not obj.name)
        tokens = set(re.findall(r"(?<![\w.$])[A-Za-z_]\w*", IMPORT.sub("", code)))
        own = index.get(pkg, set())
        wanted = []  # (simple, fqn) a type this file needs from another package now
        for (old, new), names in moved.items():
            if pkg == old:  # stayed behind: the moved classes are elsewhere now
                wanted += [(s, new + "." + s) for s in names if s not in own]
            if pkg == new:  # moved: what it used from its old package without an import, wherever that is now
                wanted += [(s, old + "." + s) for s in index.get(old, ()) if s not in own]
                wanted += [(s, other_new + "." + s) for (other_old, other_new), other in moved.items()
                           if other_old == old and other_new != pkg for s in other if s not in own]
        imported = imported_simple_names(text)
        self_name = os.path.basename(path)[:-5]
        for simple, fqn in sorted(set(wanted)):
            if simple == self_name or simple in imported:
                continue
            if simple in tokens:
                text = add_import(text, fqn)
                imported.add(simple)
            else:
                text = qualify_javadoc(text, simple, fqn)
        # no import of a class in one's own package
        text = re.sub(r"^import " + re.escape(pkg) + r"\.([A-Z]\w*)\s*;\n", "", text, flags=re.M)
        if text != original:
            text = sort_our_imports(text)

    if text != original:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        changed += 1

print("move-packages: %d files rewritten" % changed)

# Leftovers a replay on a newer tree may bring, which this script cannot fix by itself.
for root, path in files:
    if os.path.exists(path):
        text = open(path, encoding="utf-8").read()
        if re.search(r"\.streamed\(\)", text):
            print("move-packages: warning: %s calls Repository.streamed(), which is StreamedWal.of(repository) now" % path)
# The rule the split exists for: the format uses no repository or archiving code, and
# repositories do not use archiving (that would bring the package cycle back).
FORBIDDEN = {
    "dev.lifeboat.core.wal": ("dev.lifeboat.core.repo.", "dev.lifeboat.core.archive.", "dev.lifeboat.core.codec.",
                              "dev.lifeboat.core.json.", "dev.lifeboat.storage."),
    "dev.lifeboat.core.repo": ("dev.lifeboat.core.archive.",),
    "dev.lifeboat.core.json": ("dev.lifeboat.core.repo.", "dev.lifeboat.core.archive."),
}
for root, path in files:
    if "/src/main/" in root and os.path.exists(path):
        pkg = os.path.relpath(os.path.dirname(path), root).replace("/", ".")
        for m in IMPORT.finditer(open(path, encoding="utf-8").read()):
            if m.group(2).startswith(FORBIDDEN.get(pkg, ())):
                print("move-packages: warning: %s (package %s) imports %s" % (path, pkg, m.group(2)))
for root in ROOTS:
    if "/src/main/" not in root:
        continue
    for top, dirs, fs in os.walk(root):
        if any(f.endswith(".java") and f != "package-info.java" for f in fs) and "package-info.java" not in fs:
            print("move-packages: warning: no package-info.java in %s" % top)
PY
