"""Classroom: exercises, grading against a key, and agreement statistics. Builds on
``storage`` and everything below it."""
