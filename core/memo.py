"""Values kept per process for what they are a pure function of: compiled SQL, rendered fragments.

Never query results: the key holds everything the value depends on (day, units, filters,
language), so a kept value is never stale, and the least recently used go first.
"""

import threading
from collections import OrderedDict


class Kept:
    """A bounded map, safe between threads, least recently used dropped first (None is never kept)."""

    def __init__(self, size):
        self.size = size
        self._items = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._items)

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def get_or_build(self, key, build):
        """The value kept for ``key``, else ``build()``'s, kept."""
        value = self.get(key)
        return value if value is not None else self.put(key, build())

    def clear(self):
        with self._lock:
            self._items.clear()
