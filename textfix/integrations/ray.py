"""Ray Data: repair a text column of a ``Dataset``, on one machine or a cluster.

>>> import ray
>>> from textfix.integrations.ray import fix_dataset
>>> ds = ray.data.read_json("corpus/")                         # doctest: +SKIP
>>> fix_dataset(ds, "text", findings_column="textfix").write_json("out/")  # doctest: +SKIP

:func:`fix_dataset` is lazy, like every Ray Data transform: it adds one
``map_batches`` stage (Arrow batches in, Arrow batches out) that repairs
``column`` with :func:`textfix.fix` and leaves every other column alone;
``findings_column`` adds a list of finding structs per row (the same fields
as :meth:`textfix.Finding.to_dict`). Each Ray worker builds textfix's heavy
objects (OpenCC, pinyin tables) once and reuses them for every batch.

Scaling out is one argument: :func:`ensure_ray` (used by ``textfix fix
--engine ray --address ADDR``) starts a local Ray when no address is given,
else joins the cluster at ``address``; every node needs ``textfix``
installed (or a ``runtime_env`` that installs it).

Needs ``pip install 'textfix[ray]'``.
"""

from __future__ import annotations

from typing import Any

from ..config import Config

DEFAULT_BATCH_SIZE = 256


def ensure_ray(address: str | None = None, **init_kwargs: Any):
    """The ``ray`` module, initialised: a local instance by default, the
    cluster at ``address`` otherwise (``"auto"`` finds a running one)."""
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("the Ray engine needs Ray: pip install 'textfix[ray]'") from exc
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"address": address, "ignore_reinit_error": True, "log_to_driver": False}
        if address is None:
            kwargs["include_dashboard"] = False
        kwargs.update(init_kwargs)
        ray.init(**kwargs)
    return ray


class _RayFuture:
    __slots__ = ("ray", "ref")

    def __init__(self, ray, ref):
        self.ray, self.ref = ray, ref

    def result(self):
        return self.ray.get(self.ref)


class RayExecutor:
    """The executor of ``textfix fix --engine ray``: corpus chunk tasks run
    as Ray tasks (on the cluster at ``address``, or a local Ray); a task that
    reads a local file (``fn.local_io``) runs in this process. The results
    come back to :func:`textfix.scheduler.run_files`, which writes."""

    def __init__(self, address: str | None = None):
        self.ray = ensure_ray(address)
        self._remote: dict = {}
        self._refs: list = []
        try:
            self.parallelism = max(1, int(self.ray.cluster_resources().get("CPU", 1)))
        except Exception:  # pragma: no cover - a cluster that cannot say
            self.parallelism = 1

    def submit(self, fn, *args):
        if getattr(fn, "local_io", False):
            from ..scheduler import Done

            return Done(fn, args)
        remote = self._remote.get(fn)
        if remote is None:
            remote = self._remote[fn] = self.ray.remote(fn)
        ref = remote.remote(*args)
        self._refs = [r for r in self._refs[-1000:]] + [ref]
        return _RayFuture(self.ray, ref)

    def shutdown(self) -> None:
        self._refs = []

    def kill(self) -> None:
        for ref in self._refs:
            try:
                self.ray.cancel(ref, force=True)
            except Exception:
                pass
        self._refs = []


def fix_batch(batch, column: str = "text", findings_column: str | None = None, config: Config | None = None):
    """Repair ``column`` of one Arrow table (a ``map_batches`` function;
    also usable on its own)."""
    import pyarrow as pa

    from ..tasks import Spec, findings_arrow_type, values_chunk

    idx = batch.schema.get_field_index(column)
    if idx < 0:
        raise KeyError(f"no column {column!r} (columns: {', '.join(batch.schema.names)})")
    ftype = batch.schema.field(idx).type
    if not (pa.types.is_string(ftype) or pa.types.is_large_string(ftype) or pa.types.is_null(ftype)):
        raise TypeError(f"column {column!r} is {ftype}, not a string column")
    spec = Spec(config=config or Config(), field=column, findings_field=findings_column)
    out = values_chunk(batch.column(idx).to_pylist(), 0, spec)
    new_type = pa.string() if pa.types.is_null(ftype) else ftype
    batch = batch.set_column(idx, pa.field(column, new_type), pa.array(out.data, type=new_type))
    if findings_column:
        col = pa.array(out.row_findings, type=findings_arrow_type())
        fi = batch.schema.get_field_index(findings_column)
        if fi >= 0:
            batch = batch.set_column(fi, findings_column, col)
        else:
            batch = batch.append_column(findings_column, col)
    return batch


def fix_dataset(dataset, column: str = "text", *, findings_column: str | None = None, config: Config | None = None,
                batch_size: int = DEFAULT_BATCH_SIZE, **map_batches_kwargs: Any):
    """``dataset`` with ``column`` repaired (and, with ``findings_column``, a
    per-row findings column), built on ``Dataset.map_batches``. Extra
    keyword arguments go to ``map_batches`` (``concurrency``, ``num_cpus`` …).
    Row order within each block is kept; use ``ctx.execution_options.preserve_order``
    as usual when the global order matters."""
    return dataset.map_batches(
        fix_batch,
        batch_format="pyarrow",
        batch_size=batch_size,
        fn_kwargs={"column": column, "findings_column": findings_column, "config": config or Config()},
        **map_batches_kwargs,
    )
