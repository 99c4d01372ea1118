"""The one cache: results computed from a package, kept with that package.

Every cached computation in the dashboard goes through ``Memo.get``, whatever its layer:
a lookup built once per package (``filters.codes``), a derived view (``event_table``), or
what a page draws for one view of the filters in one language. The key is always derived
here, from

    (the function's qualified name, the view, the language, the arguments)

and the memo belongs to one loaded package (``Package.memo``), so the package's identity is
part of every key and a reloaded package starts empty. Callers never assemble a key, never
use ``id()``, and keep no memo of their own.

- ``args`` are part of the key (hashable: ids, tuples, numbers, strings);
- ``inputs`` are handed to the function but are not part of the key: what the view and the
  language already determine (a page's context, a frame of the same package);
- entries with a ``view`` are evicted oldest first beyond ``MAX_VIEW_ENTRIES``; entries
  without one (per-package lookups) live as long as the package.

A result is shared by every session: never mutate it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Final, TypeVar, cast

T = TypeVar("T")

# Per-view results kept per package. A view's results for every page take a few MB at a
# million events, so this bounds the memory a stream of new views can take.
MAX_VIEW_ENTRIES: Final = 256


class CacheKeyError(TypeError):
    """A function the memo cannot name (a lambda or a nested function), or unhashable args."""


def function_name(compute: Callable[..., Any]) -> str:
    """The stable name of ``compute`` in a key: module and qualified name. A lambda or a
    nested function has no stable name (two of them could share one), so it is refused."""
    qualname = getattr(compute, "__qualname__", "")
    if not qualname or "<lambda>" in qualname or "<locals>" in qualname:
        raise CacheKeyError(f"cache a module-level function, not {compute!r}")
    return f"{compute.__module__}.{qualname}"


class Memo:
    """The results computed from one package (see the module's docstring)."""

    def __init__(self, max_view_entries: int = MAX_VIEW_ENTRIES) -> None:
        self._package: dict[Hashable, Any] = {}
        self._views: OrderedDict[Hashable, Any] = OrderedDict()
        self._max = max_view_entries
        self._lock = threading.Lock()

    def get(
        self,
        compute: Callable[..., T],
        *args: Hashable,
        view: Hashable = None,
        lang: str | None = None,
        inputs: tuple[Any, ...] = (),
    ) -> T:
        """``compute(*inputs, *args)``, computed once per (function, view, language, args)."""
        key = (function_name(compute), view, lang, args)
        try:
            hash(key)
        except TypeError as exc:
            raise CacheKeyError(f"unhashable cache key for {key[0]}: {exc}") from None
        store = self._package if view is None else self._views
        with self._lock:
            if key in store:
                if view is not None:
                    self._views.move_to_end(key)
                return cast(T, store[key])
        # Computed outside the lock: two sessions asking at once may both compute, and the
        # results are equal; holding the lock would make every other view wait.
        value = compute(*inputs, *args)
        with self._lock:
            store[key] = value
            if view is not None:
                while len(self._views) > self._max:
                    self._views.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._package) + len(self._views)
