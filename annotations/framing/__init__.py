"""Framing: tag sets (the built-in ones and their JSON form). Builds on ``text``."""
