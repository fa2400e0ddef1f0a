"""Text: read articles, split them into sentences, align two of them, diff aligned passages,
and re-anchor quotes. Imports only ``records`` and ``errors`` from the rest of the core."""
