"""Pipeline integrations for corpora beyond one process.

* :mod:`textfix.integrations.ray` — repair a Ray Data ``Dataset`` column
  with ``map_batches`` (``pip install 'textfix[ray]'``); also the engine
  behind ``textfix fix --engine ray``.
* :mod:`textfix.integrations.datatrove` — a datatrove pipeline step
  (``pip install 'textfix[datatrove]'``).

Each module imports its framework only when imported itself, so
``import textfix`` never needs either.
"""
