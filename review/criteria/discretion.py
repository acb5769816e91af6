"""Criterion: discretion. Rules are registered with `review.engine.rule`."""

from __future__ import annotations
