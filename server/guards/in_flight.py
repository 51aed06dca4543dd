"""How many HTTP requests each client address has running in this process.

Counted per process, in memory: it protects this process's event loop and connection
pool from one client's burst, and costs no round trip (a shared count in Redis would
add two to every request). Points per window (`ratelimit`) are the shared limit.
"""

from __future__ import annotations


class InFlight:
    def __init__(self, limit: int) -> None:
        self.limit = limit  # 0: no limit
        self.running: dict[str, int] = {}

    def enter(self, client: str) -> bool:
        """Count one more request of `client`; False (nothing counted): at the limit."""
        held = self.running.get(client, 0)
        if self.limit and held >= self.limit:
            return False
        self.running[client] = held + 1
        return True

    def leave(self, client: str) -> None:
        held = self.running.get(client, 0) - 1
        if held > 0:
            self.running[client] = held
        else:
            self.running.pop(client, None)
