"""The command line: run a PyTorch program on ember, or check which torch APIs it uses that
ember does not provide.

    python -m ember run script.py [args...]
    python -m ember run -m package.module [args...]
    python -m ember check script.py [more.py ...]
"""
import ast
import importlib
import os
import runpy
import sys

USAGE = __doc__


def _alias_site_dir():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_alias_site")


def _prepare_children():
    """Make child Python processes (DataLoader workers under spawn, launched helpers) alias
    torch too: they inherit PYTHONPATH with ember's sitecustomize and EMBER_TORCH_ALIAS=1."""
    site = _alias_site_dir()
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if site not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([site] + parts)
    # the package root, so children can import ember even when it is not installed
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if root not in os.environ["PYTHONPATH"].split(os.pathsep):
        os.environ["PYTHONPATH"] += os.pathsep + root
    os.environ["EMBER_TORCH_ALIAS"] = "1"


def run(argv):
    """Run a script (or ``-m module``) with torch/torchvision mapped onto ember."""
    from . import compat
    if not argv:
        print(USAGE, file=sys.stderr)
        return 2
    compat.install()
    _prepare_children()
    if argv[0] == "-m":
        if len(argv) < 2:
            print("run -m needs a module name", file=sys.stderr)
            return 2
        sys.argv = [argv[1]] + argv[2:]
        sys.path.insert(0, os.getcwd())
        mod = argv[1]
        if mod.partition(".")[0] in compat.ALIASES:  # -m torch.distributed.run: runpy needs
            mod = compat.resolve(mod)                # the ember module (aliases carry no code)
        runpy.run_module(mod, run_name="__main__", alter_sys=True)
        return 0
    path = argv[0]
    if not os.path.exists(path):
        print(f"ember run: can't open file '{path}': No such file or directory", file=sys.stderr)
        return 2
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")
    return 0


# ------------------------------------------------------------------------------ check


class _Uses(ast.NodeVisitor):
    """Collect dotted torch/torchvision API paths used by a program, with line numbers."""

    def __init__(self):
        self.names = {}  # local name -> dotted torch path
        self.uses = {}  # dotted path -> first line

    def _add(self, path, line):
        self.uses.setdefault(path, line)

    def visit_Import(self, node):
        for a in node.names:
            top = a.name.partition(".")[0]
            if top in ("torch", "torchvision"):
                self._add(a.name, node.lineno)
                if a.asname:
                    self.names[a.asname] = a.name
                else:
                    self.names[top] = top

    def visit_ImportFrom(self, node):
        mod = node.module or ""
        if node.level == 0 and mod.partition(".")[0] in ("torch", "torchvision"):
            self._add(mod, node.lineno)
            for a in node.names:
                if a.name == "*":
                    continue
                path = f"{mod}.{a.name}"
                self._add(path, node.lineno)
                self.names[a.asname or a.name] = path

    def visit_Attribute(self, node):
        chain = []
        cur = node
        while isinstance(cur, ast.Attribute):
            chain.append(cur.attr)
            cur = cur.value
        if isinstance(cur, ast.Name) and cur.id in self.names:
            path = ".".join([self.names[cur.id]] + chain[::-1])
            self._add(path, node.lineno)
            return  # the whole chain is recorded; don't revisit its prefixes
        self.generic_visit(node)


def _scan_text(source):
    """Fallback for files that don't parse (e.g. snippets): find dotted ``torch.*`` /
    ``torchvision.*`` names and ``from torch... import`` lines by pattern."""
    import re
    v = _Uses()
    for lineno, line in enumerate(source.splitlines(), 1):
        m = re.match(r"\s*from\s+((?:torch|torchvision)[\w.]*)\s+import\s+([\w\s,]+)", line)
        if m:
            for name in m.group(2).replace(" ", "").split(","):
                if name:
                    v.uses.setdefault(f"{m.group(1)}.{name}", lineno)
        for dotted in re.findall(r"\b((?:torch|torchvision)(?:\.\w+)+)", line):
            v.uses.setdefault(dotted, lineno)
    return v


def _missing(path):
    """The first prefix of ``path`` ember cannot provide, or None (needs compat installed)."""
    parts = path.split(".")
    try:
        obj = importlib.import_module(parts[0])
    except ImportError:
        return parts[0]
    for i, p in enumerate(parts[1:], 1):
        sub = ".".join(parts[:i + 1])
        try:
            obj = getattr(obj, p)
            continue
        except AttributeError:
            pass
        try:
            obj = importlib.import_module(sub)
        except ImportError:
            return sub
        except Exception:  # noqa: BLE001 - a broken submodule counts as missing
            return sub
    return None


def check(paths):
    """List the torch/torchvision APIs the given programs use that ember does not provide."""
    from . import compat
    compat.install()
    status = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        try:
            v = _Uses()
            v.visit(ast.parse(source, filename=path))
        except SyntaxError as exc:
            print(f"{path}: not valid Python (line {exc.lineno}: {exc.msg}); scanning its text "
                  "for torch APIs instead")
            v = _scan_text(source)
        missing = {}
        for use, line in sorted(v.uses.items(), key=lambda kv: kv[1]):
            m = _missing(use)
            if m is not None:
                missing.setdefault(m, line)
        if missing:
            status = 1
            print(f"{path}: {len(missing)} API(s) ember does not provide:")
            for m, line in sorted(missing.items(), key=lambda kv: kv[1]):
                print(f"  line {line}: {m}")
        else:
            print(f"{path}: all {len(v.uses)} torch/torchvision APIs used are provided by ember")
    return status


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "run":
        return run(rest)
    if cmd == "check":
        if not rest:
            print("usage: python -m ember check script.py [...]", file=sys.stderr)
            return 2
        return check(rest)
    print(f"unknown command {cmd!r}\n{USAGE}", file=sys.stderr)
    return 2
