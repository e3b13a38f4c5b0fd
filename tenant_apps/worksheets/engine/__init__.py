"""The grading engine: pure Python, no views, no database. See schema (items), text (checking), grading."""

from tenant_apps.worksheets.engine.grading import Result, grade, grade_item
from tenant_apps.worksheets.engine.schema import (
    ItemError,
    is_graded,
    max_points,
    public_item,
    solution,
    validate_item,
    validate_items,
)
from tenant_apps.worksheets.engine.text import Checking

__all__ = ["Checking", "ItemError", "Result", "grade", "grade_item", "is_graded", "max_points", "public_item",
           "solution", "validate_item", "validate_items"]
