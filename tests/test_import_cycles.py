"""The package has no import cycles: the graph of every import between Détente's modules — at the top of
a module, inside a function (lazy) or under ``if TYPE_CHECKING:`` — is acyclic.

The graph is built by grimp (the import-graph library behind import-linter); the cycle check is the
standard library's topological sort. Implicit imports of a parent package (``__init__``) are not edges.
"""

from __future__ import annotations

import graphlib

import grimp


def _graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("detente", cache_dir=None)
    return {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}


def test_no_import_cycles() -> None:
    graph = _graph()
    assert len(graph) > 40  # the whole package was read
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        raise AssertionError("import cycle: " + " → ".join(cycle)) from None


def test_the_check_sees_lazy_and_type_checking_imports() -> None:
    """A cycle closed by an import inside a function or under TYPE_CHECKING would be caught: both are
    edges (``detente.cli.genius_cmds`` imports the Genius reader inside its command function;
    ``detente.roadmap.model`` imports CompiledScenario for type hints only), and one added back edge
    is reported as a cycle."""
    graph = _graph()
    assert "detente.io.genius_import" in graph["detente.cli.genius_cmds"]
    assert "detente.model.compiled" in graph["detente.roadmap.model"]
    closed = {**graph, "detente.model.compiled": graph["detente.model.compiled"] | {"detente.roadmap.model"}}
    try:
        graphlib.TopologicalSorter(closed).prepare()
    except graphlib.CycleError:
        return
    raise AssertionError("an added back edge must be reported as a cycle")


#: The layers that compute: the model and the algorithms. They import nothing from the readers and
#: writers (``detente.io``), the command line or the server — files come in through ``io`` and results
#: go out through the CLI, the brief and the server. Charts are outputs and may write files.
ALGORITHM_LAYERS = ("detente.model", "detente.analysis", "detente.roadmap")
OUTER_LAYERS = ("detente.io", "detente.cli", "detente.server", "detente.brief")


def test_algorithms_import_nothing_from_io_or_the_interfaces() -> None:
    graph = _graph()
    wrong = sorted(
        f"{m} → {t}"
        for m, targets in graph.items()
        if m.startswith(ALGORITHM_LAYERS) and not m.endswith(".charts")
        for t in targets
        if t.startswith(OUTER_LAYERS)
    )
    assert [m for m in graph if m.startswith("detente.analysis.")], "the analysis modules were read"
    assert wrong == []
