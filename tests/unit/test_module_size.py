"""No god-modules (STYLE rule 4): no module passes 800 lines, no class 40 public methods.

Lines are a file's physical lines, as ``wc -l`` and an editor count them (blank lines, comments
and docstrings included: they are what a reader scrolls through). A class's public methods are
the functions it offers under a name without a leading underscore (properties, class and static
methods included; ``__init__`` and other dunders are not public API), its own and those it
inherits from the project's classes (a mixin moves methods to another module but leaves them on
the class); what a third-party base brings (pydantic's ``model_dump``, ``Protocol``) is not
counted. Every Python file of ``src/``, ``tests/`` and ``bench/`` is measured, read with
:mod:`ast` (nothing is imported; for the classes, only the files that hold the word ``class``
and the packages' ``__init__`` are parsed: a quarter of them, so the test takes seconds, not a
minute, on a loaded machine).

Split by concern (``*_ops.py``, services, a sub-command module) before the limit is reached.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: the trees measured; the package's modules are named from ``src/``
TREES = ("src", "tests", "bench")
MAX_MODULE_LINES = 800
MAX_PUBLIC_METHODS = 40


def module_lines(text: str) -> int:
    """Physical lines, as ``wc -l`` counts them (a last line without a newline counts too)."""
    return len(text.splitlines())


@dataclass
class _Module:
    name: str
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    #: local name -> (module, name) for ``from m import name``, (module, "") for ``import m``
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = rel.parts[1:] if rel.parts[0] == "src" else rel.parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _index(name: str, tree: ast.Module, is_package: bool) -> _Module:
    mod = _Module(name)
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            mod.classes.setdefault(node.name, node)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(max(node.level - 1, 0)):
                base = base.rpartition(".")[0]
            source = (f"{base}.{node.module}" if node.module else base) if node.level else (
                node.module or "")
            for alias in node.names:
                mod.imports[alias.asname or alias.name] = (source, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    mod.imports[alias.asname] = (alias.name, "")
    return mod


class ClassIndex:
    """The project's classes, by module, with what each module imports (to follow bases)."""

    def __init__(self, sources: dict[str, tuple[ast.Module, bool]]) -> None:
        self.modules = {n: _index(n, tree, pkg) for n, (tree, pkg) in sources.items()}

    def _resolve(self, module: str, name: str, depth: int = 0) -> tuple[str, ast.ClassDef] | None:
        mod = self.modules.get(module)
        if mod is None or depth > 5:  # noqa: PLR2004 - a re-export chain, not a cycle
            return None
        if name in mod.classes:
            return module, mod.classes[name]
        if name in mod.imports:
            source, imported = mod.imports[name]
            if imported:
                return self._resolve(source, imported, depth + 1)
        return None

    def _base(self, module: str, expr: ast.expr) -> tuple[str, ast.ClassDef] | None:
        if isinstance(expr, ast.Subscript):  # Generic[T], a parametrised base
            expr = expr.value
        if isinstance(expr, ast.Name):
            return self._resolve(module, expr.id)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            target = self.modules.get(module)
            source = target.imports.get(expr.value.id) if target else None
            if source is not None:
                name = f"{source[0]}.{source[1]}" if source[1] else source[0]
                return self._resolve(name, expr.attr)
        return None

    def public_methods(self, module: str, cls: ast.ClassDef) -> set[str]:
        """The public methods ``cls`` defines or inherits from the project's classes."""
        seen: set[int] = set()
        names: set[str] = set()
        todo = [(module, cls)]
        while todo:
            where, node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            names.update(
                f.name for f in node.body
                if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                and not f.name.startswith("_")
            )
            todo.extend(b for b in (self._base(where, e) for e in node.bases) if b is not None)
        return names


def _sources(root: Path) -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for tree in TREES
        for path in sorted((root / tree).rglob("*.py"))
        if not any(part.startswith(".") or part == "__pycache__" for part in path.parts)
    }


def god_modules(files: dict[Path, str], root: Path) -> list[str]:
    """``path: N lines`` for each module over :data:`MAX_MODULE_LINES`, longest first."""
    long = {p: module_lines(t) for p, t in files.items()}
    return [f"{p.relative_to(root)}: {n} lines"
            for p, n in sorted(long.items(), key=lambda kv: (-kv[1], kv[0]))
            if n > MAX_MODULE_LINES]


def god_classes(files: dict[Path, str], root: Path) -> list[str]:
    """``path: Class has N public methods`` for each class over :data:`MAX_PUBLIC_METHODS`."""
    trees = {_module_name(p, root): (p, ast.parse(t, filename=str(p))) for p, t in files.items()
             if "class " in t or p.name == "__init__.py"}  # a class, or a package's re-exports
    index = ClassIndex({n: (tree, p.name == "__init__.py") for n, (p, tree) in trees.items()})
    found = []
    for name, (path, tree) in sorted(trees.items()):
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                n = len(index.public_methods(name, node))
                if n > MAX_PUBLIC_METHODS:
                    found.append(f"{path.relative_to(root)}: class {node.name} "
                                 f"(line {node.lineno}) has {n} public methods")
    return found


def test_no_module_passes_800_lines() -> None:
    over = god_modules(_sources(ROOT), ROOT)
    assert not over, (
        f"god-modules (STYLE rule 4: at most {MAX_MODULE_LINES} lines a module; split by "
        "concern): " + "; ".join(over))


def test_no_class_passes_40_public_methods() -> None:
    over = god_classes(_sources(ROOT), ROOT)
    assert not over, (
        f"god-classes (STYLE rule 4: at most {MAX_PUBLIC_METHODS} public methods a class; "
        "split by concern): " + "; ".join(over))


# --- the measures themselves ----------------------------------------------------------------

def _methods(names: list[str], indent: str = "    ") -> str:
    return "".join(f"{indent}def {n}(self) -> None: ...\n" for n in names)


@pytest.mark.parametrize(("text", "lines"), [
    ("", 0), ("x = 1", 1), ("x = 1\n", 1), ("\n\n", 2), ('"""a\n\nb"""\n# c\n', 4),
], ids=["empty", "no-final-newline", "final-newline", "blank-lines", "docstring-and-comment"])
def test_lines_are_counted_as_wc_does(text: str, lines: int) -> None:
    assert module_lines(text) == lines


def test_a_module_of_801_lines_is_named_with_its_count(tmp_path: Path) -> None:
    files = {tmp_path / "src" / "pkg" / "big.py": "x = 1\n" * 801,
             tmp_path / "src" / "pkg" / "fits.py": "x = 1\n" * 800}
    assert god_modules(files, tmp_path) == [f"{Path('src/pkg/big.py')}: 801 lines"]


@pytest.mark.parametrize(("count", "over"), [(40, False), (41, True)], ids=["40", "41"])
def test_a_class_passes_at_41_public_methods(tmp_path: Path, count: int, over: bool) -> None:
    body = _methods([f"m{i}" for i in range(count)]) + _methods(["_private", "__init__"])
    files = {tmp_path / "src" / "pkg" / "wide.py": f"class Wide:\n{body}"}
    expected = [f"{Path('src/pkg/wide.py')}: class Wide (line 1) has {count} public methods"]
    assert god_classes(files, tmp_path) == (expected if over else [])


def test_inherited_project_methods_count_and_overrides_count_once(tmp_path: Path) -> None:
    pkg = tmp_path / "src" / "pkg"
    files = {
        pkg / "__init__.py": "from pkg.ops import OpsMixin\n",
        pkg / "ops.py": "class OpsMixin:\n" + _methods([f"op{i}" for i in range(30)]),
        pkg / "more.py": "class MoreMixin:\n" + _methods(["more", "op0"]),
        pkg / "wide.py": (
            "import pkg.more as more\nfrom pkg import OpsMixin\nfrom pydantic import BaseModel\n"
            "class Wide(OpsMixin, more.MoreMixin, BaseModel):\n"
            + _methods([f"own{i}" for i in range(9)])
            + "    @property\n    def size(self) -> int: ...\n"
            + "    async def fetch(self) -> None: ...\n"),
    }
    # 30 from OpsMixin (op0 once), more, 9 own, size, fetch: 42; BaseModel's are not counted
    assert god_classes(files, tmp_path) == [
        f"{Path('src/pkg/wide.py')}: class Wide (line 4) has 42 public methods"]
