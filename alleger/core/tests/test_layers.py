"""The "layers" contract of pyproject.toml ([tool.importlinter]): the code keeps it, and it fails
when a module imports from a layer above its own, or from an independent sibling.

The contract is checked on an import graph built here (grimp, as `lint-imports` builds it), to which
a test may add an import: the tree itself is never changed."""

from pathlib import Path

import grimp
import pytest
from django.conf import settings
from importlinter import api
from importlinter.contracts.layers import LayersContract


@pytest.fixture(scope="module")
def contract():
    config = api.read_configuration(str(Path(settings.BASE_DIR) / "pyproject.toml"))
    (options,) = [c for c in config["contracts_options"] if c["id"] == "layers"]
    return LayersContract(name=options["name"], session_options=config["session_options"],
                          contract_options=options)


def _graph(*imports):
    graph = grimp.build_graph("alleger", cache_dir=None)
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1,
                         line_contents=f"import {imported}")
    return graph


def _violations(check) -> set[tuple[str, str]]:
    return {(link["importer"], link["imported"])
            for dependency in check.metadata["invalid_dependencies"]
            for route in dependency["routes"] for link in route["chain"]}


def test_the_code_keeps_the_layers(contract):
    check = contract.check(_graph(), verbose=False)
    assert check.kept, _violations(check)


@pytest.mark.parametrize("importer, imported", [
    ("alleger.core.views", "alleger.funding.models"),  # core is the bottom layer
    ("alleger.territories.views", "alleger.organisations.selectors"),  # a section, not an import
    ("alleger.kits.forms", "alleger.assets.models"),  # assets sit above kits
    ("alleger.interventions.services", "alleger.reputation.selectors"),  # a registered check instead
    ("alleger.funding.views.public", "alleger.reports.models"),  # independent siblings
])
def test_an_upward_or_sideways_import_breaks_the_contract(contract, importer, imported):
    check = contract.check(_graph((importer, imported)), verbose=False)
    assert not check.kept
    assert _violations(check) == {(importer, imported)}
