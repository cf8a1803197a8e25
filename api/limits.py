"""RATE_LIMIT_PER_MINUTE, counted in the study database so every worker and replica shares one count.

A sliding window over two fixed one-minute windows (the estimate Cloudflare and nginx-style limiters use): a
request is answered when  ceil(previous minute's count × the part of it still inside the last 60 s) + this
minute's count  is under the limit. Only answered requests are counted, by one atomic statement —
INSERT … ON CONFLICT DO UPDATE SET count = count + 1 WHERE count < allowed RETURNING count — which SQLite
(3.35+) and PostgreSQL both run atomically, so four workers racing on one token never answer more than the
limit. Rows older than the previous minute are removed as new minutes start.

The client is the token (its sha256) when the request carries a valid one, else the client's address (behind a
proxy, uvicorn's --forwarded-allow-ips makes that the real client: FORWARDED_ALLOW_IPS).
"""

from __future__ import annotations

import hashlib
import math
import time

from sqlalchemy import delete, select


def client_key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8")).hexdigest()


class RateLimiter:
    def __init__(self, store, per_minute: int, clock=time.time):
        self.store = store
        self.per_minute = per_minute
        self.clock = clock
        if store.is_sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        self._insert = insert

    def hit(self, key: str) -> int | None:
        """Count one request of `key`: None when it may be answered, else the seconds to wait (Retry-After)."""
        from qualia_core.store.models import api_rate

        if self.per_minute <= 0:
            return None
        now = self.clock()
        minute, into = divmod(now, 60.0)
        minute = int(minute)
        wait = max(1, math.ceil(60.0 - into))
        with self.store.engine.connect() as c:
            previous = c.execute(select(api_rate.c.count).where(api_rate.c.client == key,
                                                                api_rate.c.minute == minute - 1)).scalar() or 0
        allowed = self.per_minute - math.ceil(previous * (1.0 - into / 60.0))
        if allowed <= 0:
            return wait
        statement = (self._insert(api_rate).values(client=key, minute=minute, count=1)
                     .on_conflict_do_update(index_elements=[api_rate.c.client, api_rate.c.minute],
                                            set_={"count": api_rate.c.count + 1},
                                            where=api_rate.c.count < allowed)
                     .returning(api_rate.c.count))
        with self.store.transaction() as c:
            count = c.execute(statement).scalar()
            if count == 1:  # a new minute for this client: forget the ones nobody reads any more
                c.execute(delete(api_rate).where(api_rate.c.minute < minute - 1))
        return None if count is not None else wait
