"""Every row lock in the code locks only its own table's rows (issue 16: joined user rows deadlocked).

`select_for_update()` together with `select_related(...)` locks the joined rows too, unless it says
`of=("self",)`. This reads the source of every app (not the tests) and names each place that does not.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("billing", "classroom", "shared_apps", "tenant_apps", "config")


def _calls(tree):
    for statement in ast.walk(tree):
        if not isinstance(statement, ast.stmt):
            continue
        calls = [node for node in ast.walk(statement) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Attribute)]
        names = {call.func.attr for call in calls}
        for call in calls:
            if call.func.attr == "select_for_update":
                yield statement, call, "select_related" in names


def test_no_lock_takes_the_rows_a_select_related_joins():
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for _statement, call, joins in _calls(ast.parse(path.read_text(), filename=str(path))):
                if joins and not any(keyword.arg == "of" for keyword in call.keywords):
                    offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not sorted(set(offenders)), "select_for_update with select_related needs of=('self',): " + ", ".join(
        sorted(set(offenders)))


def test_the_rule_sees_a_lock_that_joins():
    """The check itself: it flags the shape that deadlocked, and passes the fixed one."""
    bad = ast.parse('Lesson.objects.select_for_update().select_related("student").get(pk=1)')
    good = ast.parse('Lesson.objects.select_for_update(of=("self",)).select_related("student").get(pk=1)')
    assert [joins for _s, call, joins in _calls(bad) if not call.keywords] == [True]
    assert [call.keywords[0].arg for _s, call, _joins in _calls(good)] == ["of"]
