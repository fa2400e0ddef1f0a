"""Storage: the SQLAlchemy models and the queries and writes that take a Session (never
committing). Builds on ``text`` and ``framing``."""
