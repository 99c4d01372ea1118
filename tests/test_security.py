"""Security pass over the dashboard's source: no raw HTML at all, and every text that
Streamlit renders as markdown is either a catalogue label or escaped with ``ui.md``.

The markdown check reads the AST of ``app.py``, the ``ui`` package and every page. An argument of
``st.markdown``/``write``/``caption``/``info``/``warning``/``error``/``success``/``toast``/
``title``/``header``/``subheader`` (or a ``help=`` tooltip) is *safe* when it is built only
from:
- string and number literals, UPPER_CASE module constants;
- ``md(...)`` / ``ui.md(...)`` (the escaper);
- ``t(...)`` / ``ctx.t(...)`` labels (``i18n.t`` raises on an unknown key, so the result is a
  catalogue string) whose keyword values are themselves safe;
- the number and date formatters (``format_number``, ``format_date``…, ``len``, ``int``);
- f-strings, ``+``, ``"sep".join(...)`` and conditional expressions of safe parts;
- local names whose every assignment (and ``.append``) is safe, and parameters annotated
  as numbers or dates;
- a call that is handed the escaper (``f(..., ui.md)``): the callee escapes what it inserts;
- a function of the project (same module or an imported ``dashboard`` module) all of whose
  ``return`` values are safe when its parameters are not trusted.
Anything else (a data frame cell, an attribute of a record, an unknown function's result) is
an offender. ``REVIEWED`` lists the few spans checked by hand, each with its reason.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGE = ROOT / "dashboard"
RENDERED = {
    "markdown",
    "write",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "title",
    "header",
    "subheader",
}
FORMATTERS = {
    "format_number",
    "format_date",
    "format_month",
    "format_span",
    "len",
    "int",
    "float",
    "round",
    "isoformat",
}
SAFE_ANNOTATIONS = {"int", "float", "bool", "date", "datetime", "Timestamp", "pd.Timestamp"}
ESCAPERS = {"md", "ui.md"}
# (file, exact source of the argument) -> why it is safe although the checker cannot prove it.
REVIEWED: dict[tuple[str, str], str] = {
    (
        "app_pages/timeline.py",
        "f\"[{ui.md(ctx.t('timeline_detail_link', url=e.url))}]({e.url})\"",
    ): "e.url comes from present.labels.safe_url: http(s) only, no spaces, parentheses "
    "percent-encoded (pinned by test_safe_url_makes_link_targets_inert)",
    (
        "ui/widgets.py",
        'f"[{md(url)}]({target})" if target else md(url)',
    ): "target is labels.safe_url(url): http(s) only, no spaces, parentheses percent-encoded "
    "(pinned by test_safe_url_makes_link_targets_inert); the text goes through md",
}


def checked_files() -> list[Path]:
    return [
        PACKAGE / "app.py",
        *sorted((PACKAGE / "ui").glob("*.py")),
        *sorted((PACKAGE / "app_pages").glob("*.py")),
    ]


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


@dataclass
class Module:
    path: Path
    tree: ast.Module
    source: str
    imports: dict[str, str]  # alias -> dashboard module name


_MODULES: dict[Path, Module] = {}
_IN_PROGRESS: set[tuple[object, ...]] = set()


def module(path: Path) -> Module:
    if path not in _MODULES:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        imports: dict[str, str] = {}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("dashboard")
            ):
                for a in node.names:
                    imports[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("dashboard"):
                        imports[a.asname or a.name] = a.name
        _MODULES[path] = Module(path, tree, source, imports)
    return _MODULES[path]


def module_path(name: str) -> Path | None:
    """The file of a dashboard module (``dashboard.views.timeline``), if it is one."""
    spec = importlib.util.find_spec(name) if name.startswith("dashboard") else None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def callee(call: ast.Call) -> str:
    """The dotted name of the function a call runs: for ``ctx.cached(f, ...)`` (the one cache,
    ``core.cache``), ``f``, whose result it returns."""
    if isinstance(call.func, ast.Attribute) and call.func.attr == "cached" and call.args:
        return dotted(call.args[0])
    return dotted(call.func)


def parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    out: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            out[child] = node
    return out


_PARENTS: dict[int, dict[ast.AST, ast.AST]] = {}


def scope_of(mod: Module, node: ast.AST) -> ast.AST:
    """The function (or module) enclosing ``node``."""
    ps = _PARENTS.setdefault(id(mod.tree), parents(mod.tree))
    cur = ps.get(node)
    while cur is not None and not isinstance(cur, ast.FunctionDef | ast.AsyncFunctionDef):
        cur = ps.get(cur)
    return cur if cur is not None else mod.tree


def own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """Nodes of a scope, not descending into nested functions."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def project_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


_FIELD_ANNOTATIONS: dict[str, set[str]] = {}
_FIELD_KEYWORDS: dict[str, list[tuple[Module, ast.expr]]] = {}
_CLASS_FIELDS: dict[tuple[str, str], str] = {}  # (class, field) -> annotation
_CONSTRUCTIONS: dict[str, list[tuple[Module, ast.Call]]] = {}  # class -> calls of it


def field_index() -> None:
    """Class-body annotations (``hidden_places: int``) and ``name=value`` keyword arguments
    across the package, for attributes read off records of the project's own classes."""
    if _FIELD_ANNOTATIONS:
        return
    for path in project_files():
        mod = module(path)
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                        ann = ast.unparse(stmt.annotation)
                        _FIELD_ANNOTATIONS.setdefault(stmt.target.id, set()).add(ann)
                        _CLASS_FIELDS[node.name, stmt.target.id] = ann
            elif isinstance(node, ast.Call):
                callee = dotted(node.func).rsplit(".", 1)[-1]
                _CONSTRUCTIONS.setdefault(callee, []).append((mod, node))
                for k in node.keywords:
                    if k.arg is not None:
                        _FIELD_KEYWORDS.setdefault(k.arg, []).append((mod, k.value))


class Checker:
    """Decides whether an expression of one module is safe (see the module docstring)."""

    def __init__(self, mod: Module, bound: dict[str, bool] | None = None) -> None:
        self.mod = mod
        self.bound = bound or {}  # names decided by the caller (a format_func's parameter)

    # --- names ---------------------------------------------------------------------------
    def name_safe(self, name: str, at: ast.AST, iterable: bool = False) -> bool:
        if name in self.bound and not iterable:
            return self.bound[name]
        scope = scope_of(self.mod, at)
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            args = scope.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            for index, a in enumerate(params):
                if a.arg == name:
                    ann = ast.unparse(a.annotation) if a.annotation else ""
                    if not iterable and ann in SAFE_ANNOTATIONS:
                        return True
                    return self.param_safe(scope, index, name, iterable)
            if self.bound_in(name, scope) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
                return self.assigned_safe(name, scope, iterable)
        return self.assigned_safe(name, self.mod.tree, iterable)

    def bound_in(self, name: str, scope: ast.AST) -> bool:
        return any(
            isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
            for n in own_nodes(scope)
        )

    def param_safe(self, fdef: ast.FunctionDef | ast.AsyncFunctionDef, index: int, name: str,
                   iterable: bool) -> bool:  # fmt: skip
        """A private helper's parameter: safe if every call of it in this module passes a
        safe value (and the helper is used only by being called)."""
        if not fdef.name.startswith("_") or fdef.args.vararg or fdef.args.kwarg:
            return False
        key = (id(fdef), name, iterable)
        if key in _IN_PROGRESS:
            return True  # recursion adds nothing unsafe by itself
        _IN_PROGRESS.add(key)
        try:
            positional = [*fdef.args.posonlyargs, *fdef.args.args]
            defaults = dict(
                zip(
                    [a.arg for a in positional][len(positional) - len(fdef.args.defaults) :],
                    fdef.args.defaults,
                    strict=True,
                )
            )
            calls = 0
            for node in ast.walk(self.mod.tree):
                if isinstance(node, ast.Name) and node.id == fdef.name:
                    parent = _PARENTS.setdefault(id(self.mod.tree), parents(self.mod.tree))
                    call = parent.get(node)
                    if not (isinstance(call, ast.Call) and call.func is node):
                        return False  # passed around as a value: callers unknown
                    calls += 1
                    value: ast.expr | None = None
                    if index < len(call.args) and index < len(positional):
                        value = call.args[index]
                    for k in call.keywords:
                        if k.arg == name:
                            value = k.value
                    if value is None:
                        value = defaults.get(name)
                    if value is None:
                        if any(isinstance(a, ast.Starred) for a in call.args):
                            return False
                        continue  # a keyword-only default or not passed
                    checker = Checker(self.mod)
                    ok = checker.iterable_safe(value) if iterable else checker.safe(value)
                    if not ok:
                        return False
            return calls > 0
        finally:
            _IN_PROGRESS.discard(key)

    def assigned_safe(self, name: str, scope: ast.AST, iterable: bool) -> bool:
        key = (id(scope), name, iterable)
        if key in _IN_PROGRESS:
            return True  # a cycle adds nothing unsafe by itself
        _IN_PROGRESS.add(key)
        try:
            found = False
            for node in own_nodes(scope):
                if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        value = self.bound_value(target, node.value, name)
                        if value is False:
                            continue
                        found = True
                        if value is None:
                            return False
                        if isinstance(value, ast.expr) and not self.value_safe(value, iterable):
                            return False
                elif isinstance(node, ast.For | ast.comprehension):
                    if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.target)):
                        found = True
                        if not (isinstance(node.target, ast.Name) and not iterable):
                            return False
                        if not self.iterable_safe(node.iter):
                            return False
                elif (
                    iterable
                    and isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("append", "extend", "insert")
                    and dotted(node.func.value) == name
                ):
                    if not node.args:
                        return False
                    arg = node.args[-1]
                    ok = self.iterable_safe(arg) if node.func.attr == "extend" else self.safe(arg)
                    if not ok:
                        return False
            return found
        finally:
            _IN_PROGRESS.discard(key)

    @staticmethod
    def bound_value(target: ast.AST, value: ast.expr | None, name: str) -> ast.expr | bool | None:
        """What ``target = value`` binds to ``name``: an expression, None (unknown), or False
        (it does not bind ``name``)."""
        if isinstance(target, ast.Name):
            return (value if value is not None else True) if target.id == name else False
        if isinstance(target, ast.Tuple | ast.List):
            for i, element in enumerate(target.elts):
                if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(element)):
                    if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(
                        target.elts
                    ):
                        return Checker.bound_value(element, value.elts[i], name)
                    return None
        return False

    def value_safe(self, value: ast.expr, iterable: bool) -> bool:
        return self.iterable_safe(value) if iterable else self.safe(value)

    # --- expressions ---------------------------------------------------------------------
    def iterable_safe(self, node: ast.AST) -> bool:
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return all(self.safe(e) for e in node.elts)
        if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            return self.safe(node.elt)
        if isinstance(node, ast.Name):
            return self.name_safe(node.id, node, iterable=True)
        if isinstance(node, ast.Call) and dotted(node.func) in ("list", "tuple", "sorted"):
            return bool(node.args) and self.iterable_safe(node.args[0])
        if isinstance(node, ast.Call) and dotted(node.func) in ("range", "enumerate"):
            return dotted(node.func) == "range"
        return False

    def safe(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str | int | float | bool) or node.value is None
        if isinstance(node, ast.JoinedStr):
            return all(
                self.safe(v.value) if isinstance(v, ast.FormattedValue) else True
                for v in node.values
            )
        if isinstance(node, ast.BinOp):
            return self.safe(node.left) and self.safe(node.right)
        if isinstance(node, ast.UnaryOp):
            return self.safe(node.operand)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body) and self.safe(node.orelse)
        if isinstance(node, ast.BoolOp):
            return all(self.safe(v) for v in node.values)
        if isinstance(node, ast.Compare):
            return True  # a bool
        if isinstance(node, ast.Name):
            return self.name_safe(node.id, node)
        if isinstance(node, ast.Attribute):
            return self.attribute_safe(node)
        if isinstance(node, ast.Call):
            return self.call_safe(node)
        return False

    def attribute_safe(self, node: ast.Attribute) -> bool:
        """``record.attr`` where ``attr`` is a field of the project's classes: safe if it is
        declared as a number/date, or every ``attr=...`` given to the constructor is safe.
        The class is the receiver's annotated or inferred type when it can be told, else
        every class declaring ``attr`` counts."""
        field_index()
        attr = node.attr
        cls = self.receiver_class(node.value)
        if cls is not None and (cls, attr) in _CLASS_FIELDS:
            annotations = {_CLASS_FIELDS[cls, attr]}
            values = [
                (mod, k.value)
                for mod, call in _CONSTRUCTIONS.get(cls, [])
                for k in call.keywords
                if k.arg == attr
            ]
            constructions = len(_CONSTRUCTIONS.get(cls, []))
        else:
            annotations = _FIELD_ANNOTATIONS.get(attr, set())
            values = _FIELD_KEYWORDS.get(attr, [])
            constructions = len(values)
        if not annotations:
            return False
        if annotations <= SAFE_ANNOTATIONS:
            return True
        key = ("field", cls, attr)
        if key in _IN_PROGRESS:
            return True
        _IN_PROGRESS.add(key)
        try:
            return (
                bool(values)
                and len(values) == constructions
                and all(Checker(mod).safe(v) for mod, v in values)
            )
        finally:
            _IN_PROGRESS.discard(key)

    def receiver_class(self, node: ast.expr) -> str | None:
        """The project class of a name: its parameter annotation, or the return annotation
        of the project function it was assigned from."""
        if not isinstance(node, ast.Name):
            return None
        scope = scope_of(self.mod, node)
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            for a in [*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs]:
                if a.arg == node.id and a.annotation is not None:
                    return ast.unparse(a.annotation).rsplit(".", 1)[-1]
        values = [
            n.value
            for n in own_nodes(scope)
            if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
        ]
        if len(values) != 1 or not isinstance(values[0], ast.Call):
            return None
        func = self.resolve(callee(values[0]))
        if func is None or func[1].returns is None:
            return None
        return ast.unparse(func[1].returns).rsplit(".", 1)[-1]

    def call_safe(self, node: ast.Call) -> bool:
        name = dotted(node.func)
        last = node.func.attr if isinstance(node.func, ast.Attribute) else name
        if name in ESCAPERS:
            return True
        if last in FORMATTERS:
            return True
        if last in ("t", "plural") and (name == last or name.endswith("." + last)):
            # a catalogue label (``plural``: in the plural form for a count): safe when
            # every value put into it is
            return all(self.safe(k.value) for k in node.keywords if k.arg is not None)
        if (
            last == "get"
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Dict)
        ):  # {"fr": "Français", ...}.get(code, code)
            table = node.func.value
            return all(self.safe(v) for v in table.values) and all(
                self.safe(a) for a in node.args[1:]
            )
        if last == "join" and isinstance(node.func, ast.Attribute) and node.args:
            return self.safe(node.func.value) and self.iterable_safe(node.args[0])
        # The escaper handed over: the callee escapes what it inserts.
        if any(dotted(a) in ESCAPERS for a in [*node.args, *(k.value for k in node.keywords)]):
            return True
        func = self.resolve(callee(node))
        if func is None:
            return False
        mod, fdef = func
        key = (id(fdef), "<returns>")
        if key in _IN_PROGRESS:
            return True  # recursion adds nothing unsafe by itself
        _IN_PROGRESS.add(key)
        try:
            returns = [r for r in own_nodes(fdef) if isinstance(r, ast.Return)]
            return bool(returns) and all(
                r.value is not None and Checker(mod).safe(r.value) for r in returns
            )
        finally:
            _IN_PROGRESS.discard(key)

    def resolve(self, name: str) -> tuple[Module, ast.FunctionDef] | None:
        """A project function by the name it is called with here."""
        if "." not in name:
            mod, fname = self.mod, name
            target = self.mod.imports.get(name)
            if target:
                path = module_path(target.rsplit(".", 1)[0])
                if path is None:
                    return None
                mod, fname = module(path), target.rsplit(".", 1)[1]
        else:
            alias, fname = name.split(".", 1)
            if "." in fname or alias not in self.mod.imports:
                return None
            path = module_path(self.mod.imports[alias])
            if path is None:
                return None
            mod = module(path)
        for node in mod.tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == fname:
                return mod, node
        if fname in mod.imports:  # a name the module re-exports (``dashboard.ui``)
            return Checker(mod).resolve(fname)
        return None


@dataclass(frozen=True)
class Offender:
    file: str
    line: int
    call: str
    argument: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.call}({self.argument})"


LABELLED = {
    "expander",
    "metric",
    "button",
    "checkbox",
    "radio",
    "selectbox",
    "multiselect",
    "pills",
    "segmented_control",
    "toggle",
    "popover",
    "download_button",
    "link_button",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "time_input",
    "slider",
    "select_slider",
    "color_picker",
    "file_uploader",
    "feedback",
}
MARKDOWN_OPTIONS = {"radio", "pills", "segmented_control"}  # options render markdown


@dataclass(frozen=True)
class Rendered:
    call: ast.Call
    name: str
    arg: ast.expr
    iterable: bool = False
    bound: tuple[tuple[str, bool], ...] = ()


def rendered_calls(mod: Module) -> Iterator[Rendered]:
    """Arguments that Streamlit renders as markdown: element bodies, widget labels, tab
    names, ``help=`` tooltips and the ``format_func`` of widgets whose options are markdown."""
    for node in ast.walk(mod.tree):
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        receiver = dotted(node.func.value) if isinstance(node.func, ast.Attribute) else ""
        element = bool(method) and receiver not in mod.imports and bool(receiver)
        for k in node.keywords:
            if k.arg == "help":
                yield Rendered(node, name, k.value)
        if element and method in RENDERED and node.args:
            yield Rendered(node, name, node.args[0])
        if element and method in LABELLED:
            labels = [k.value for k in node.keywords if k.arg == "label"] or node.args[:1]
            for label in labels:
                yield Rendered(node, name, label)
        if element and method == "tabs":
            for tabs in [k.value for k in node.keywords if k.arg == "tabs"] or node.args[:1]:
                yield Rendered(node, name, tabs, iterable=True)
        if element and method in MARKDOWN_OPTIONS:
            options = [k.value for k in node.keywords if k.arg == "options"] or node.args[1:2]
            for k in node.keywords:
                if k.arg == "format_func" and isinstance(k.value, ast.Lambda):
                    params = [a.arg for a in k.value.args.args]
                    ok = bool(options) and Checker(mod).iterable_safe(options[0])
                    yield Rendered(node, name, k.value.body, bound=tuple((p, ok) for p in params))


def offenders(path: Path) -> list[Offender]:
    mod = module(path)
    rel = str(path.relative_to(PACKAGE))
    found = []
    for r in rendered_calls(mod):
        text = ast.get_source_segment(mod.source, r.arg) or ast.unparse(r.arg)
        if (rel, text) in REVIEWED:
            continue
        checker = Checker(mod, dict(r.bound))
        ok = checker.iterable_safe(r.arg) if r.iterable else checker.safe(r.arg)
        if not ok:
            found.append(Offender(rel, r.arg.lineno, r.name, " ".join(text.split())))
    return found


# --- tests -------------------------------------------------------------------------------


# (file, exact source of the argument of an ``.html(...)`` call) -> why its HTML is inert.
HTML_REVIEWED: dict[tuple[str, str], str] = {
    ("app_pages/map.py", "map_deck.legend_html(ctx.lang)"): "catalogue labels and kind names, "
    "each through html.escape in map_deck.legend_html; the rest is constant markup "
    "(pinned by tests/test_map.py::test_legend_escapes_its_text)",
}


def test_no_raw_html_anywhere_in_the_package() -> None:
    """No unsafe_allow_html=True and no streamlit.components in any dashboard module, and no
    ``.html(...)`` call on Streamlit or any container (``st.html``, ``column.html``) but the
    reviewed ones (``HTML_REVIEWED``)."""
    hits = []
    seen = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        rel = str(path.relative_to(PACKAGE))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
                hits.append(f"{where}: unsafe_allow_html")
            if isinstance(node, ast.ImportFrom | ast.Import):
                base = node.module or "" if isinstance(node, ast.ImportFrom) else ""
                names = [base] + [f"{base}.{a.name}" for a in node.names]
                if any("streamlit.components" in n for n in names):
                    hits.append(f"{where}: streamlit.components")
                if base == "streamlit" and any(a.name == "html" for a in node.names):
                    hits.append(f"{where}: from streamlit import html")
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            name = dotted(node.func) or f"(...).{node.func.attr}"
            if name.endswith(("components.iframe", "components.declare_component")):
                hits.append(f"{where}: {name}")
            if node.func.attr == "html":
                args = " ".join(ast.get_source_segment(source, a) or "" for a in node.args)
                if (rel, args) in HTML_REVIEWED:
                    seen.add((rel, args))
                else:
                    hits.append(f"{where}: {name}({args})")
    assert hits == []
    assert seen == set(HTML_REVIEWED), "a reviewed .html() call is gone: remove it from the list"


@pytest.mark.parametrize(
    "path", checked_files(), ids=lambda p: str(p.relative_to(PACKAGE)) if isinstance(p, Path) else p
)
def test_markdown_text_is_escaped_or_a_label(path: Path) -> None:
    """Every text rendered as markdown in the app, its pages and the ui package is a
    catalogue label, a constant, or passes through ui.md."""
    found = offenders(path)
    assert found == [], "\n".join(map(str, found))


def test_reviewed_spans_still_exist() -> None:
    """Each hand-reviewed exception still matches the code (else it must be removed)."""
    for rel, text in REVIEWED:
        assert text in (PACKAGE / rel).read_text(encoding="utf-8"), (rel, text)


def test_safe_url_makes_link_targets_inert() -> None:
    """The link target the timeline puts in markdown is http(s) and cannot close the link."""
    from dashboard.present.labels import safe_url

    for bad in (
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://a b",
        "//example.org/x",
        "https://example.org/\x00",
        "",
        None,
        "x" * 3000,
    ):
        assert safe_url(bad) is None, bad
    url = safe_url('https://example.org/a)(b]<c>"')
    assert url is not None
    assert not set('()[]<> "') & set(url)


# --- the checker itself ------------------------------------------------------------------

SAMPLE = """
import streamlit as st
from dashboard import ui
from dashboard.present.i18n import format_number, t

LABEL = "fixed"

def _numbered(items: list[str]) -> str:
    return "\\n".join(f"1. {ui.md(x)}" for x in items)

def _raw(items: list[str]) -> str:
    return "\\n".join(items)

def _show(text: str) -> None:
    st.markdown(text)  # BAD: one caller passes raw text

def _show_escaped(text: str) -> None:
    st.caption(text)

def good(ctx, rec, n: int):
    lines = [ui.md(x) for x in rec["names"]]
    badges = []
    for x in rec["ids"]:
        badges.append(f":blue-badge[{ui.md(x)}]")
    st.markdown(" ".join(badges))
    st.markdown("\\n".join(lines))
    st.caption(ctx.t("count", n=n, total=len(rec)))
    st.write(LABEL + " " + ui.md(rec["title"]))
    st.info(_numbered(rec["x"]))
    st.title(t("title", "en"))
    a, b = format_number(1, "en"), len(rec)
    st.caption(t("x", "en", a=a, b=b))
    _show_escaped(ui.md(rec["y"]))
    st.segmented_control("l", ["fr", "en"], format_func=lambda c: {"fr": "Fr"}.get(c, c))
    st.expander(ctx.t("share"))
    st.tabs([ctx.t(f"tab_{k}") for k in ("a", "b")])
    for line in lines:
        st.markdown(f"- {line}")

def bad(ctx, rec, n: str):
    st.markdown(rec["title"])  # BAD
    st.caption(ctx.t("count", n=n))  # BAD
    st.write(f"**{rec['title']}**")  # BAD
    st.info(_raw(rec["x"]))  # BAD
    st.warning("x", help=rec["help"])  # BAD
    badges = []
    badges.append(rec["x"])
    st.markdown(" ".join(badges))  # BAD
    _show(rec["z"])
    st.expander(rec["title"])  # BAD
    st.tabs([rec["a"], "b"])  # BAD
    st.radio("r", rec["options"], format_func=lambda o: o)  # BAD
    a, b = rec["a"], 1
    st.caption(t("x", "en", a=a))  # BAD
    for line in rec["lines"]:
        st.markdown(line)  # BAD
"""


def test_checker_tells_escaped_from_raw() -> None:
    """The checker passes escaped and label-only text and catches each raw insertion."""
    path = PACKAGE / "app_pages" / "__security_sample__.py"
    imports = {
        "ui": "dashboard.ui",
        "t": "dashboard.present.i18n.t",
        "format_number": "x.format_number",
    }
    _MODULES[path] = Module(path, ast.parse(SAMPLE), SAMPLE, imports)
    try:
        found = offenders(path)
    finally:
        del _MODULES[path]
    expected = {i for i, line in enumerate(SAMPLE.splitlines(), 1) if "# BAD" in line}
    assert {o.line for o in found} == expected, [str(o) for o in found]
