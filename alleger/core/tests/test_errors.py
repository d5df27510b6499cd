"""Each refusal carries its HTTP status (alleger/core/errors.py): one code must answer one status."""

import ast
from collections import defaultdict
from pathlib import Path

import alleger

SOURCE = Path(alleger.__file__).parent


def statuses_by_code() -> dict[str, set[int]]:
    found = defaultdict(set)
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refused"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                status = next((k.value for k in node.keywords if k.arg == "status"), ast.Constant(400))
                found[node.args[0].value].add(ast.literal_eval(status))
    return found


def test_a_code_answers_the_same_status_wherever_it_is_raised():
    # Clients branch on `code`: `asset_full` must not be a 409 from one service and a 400 from another.
    found = statuses_by_code()
    assert {code: statuses for code, statuses in found.items() if len(statuses) > 1} == {}
    # Some of the codes the API documents, with the statuses they have always had.
    assert {code: found[code] for code in ("asset_full", "forbidden", "unknown_target", "invalid_bbox")} == {
        "asset_full": {409}, "forbidden": {403}, "unknown_target": {404}, "invalid_bbox": {400}}
