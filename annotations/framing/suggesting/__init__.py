"""The detectors behind :func:`annotations.framing.suggest.suggest`, one module per concern."""

__all__: list[str] = []
