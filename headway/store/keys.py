"""Write keys of the tracking API: one per event source, shown once, stored only as a hash.

A write key is a long random token (like Segment's), so a plain SHA-256 is enough to store it:
there is nothing to brute-force. Revoking keeps the row, so `headway keys list` shows the history.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from headway.store.models import Base, UtcDateTime, utc_now
from headway.store.state import StateStore

PREFIX = "hw_"


class WriteKey(Base):
    """A source's write key: its hash, a short visible prefix, and whether it was revoked."""

    __tablename__ = "write_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(128), index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


@dataclass(frozen=True)
class KeyInfo:
    id: int
    source: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _info(row: WriteKey) -> KeyInfo:
    return KeyInfo(row.id, row.source, row.prefix, row.created_at, row.revoked_at)


def create_key(store: StateStore, source: str) -> tuple[str, KeyInfo]:
    """A new key for `source`: the clear text (to print once) and what is stored."""
    key = PREFIX + secrets.token_urlsafe(24)
    row = WriteKey(source=source, prefix=key[:10], key_hash=hash_key(key))
    with store.session() as session:
        session.add(row)
        session.flush()
        return key, _info(row)


def list_keys(store: StateStore) -> list[KeyInfo]:
    with store.session() as session:
        return [_info(r) for r in session.scalars(select(WriteKey).order_by(WriteKey.id))]


def revoke_key(store: StateStore, key_id: int) -> KeyInfo | None:
    """Revoke by id; None when there is no such key. Revoking twice keeps the first time."""
    with store.session() as session:
        row = session.get(WriteKey, key_id)
        if row is None:
            return None
        if row.revoked_at is None:
            row.revoked_at = utc_now()
        return _info(row)


def active_keys(store: StateStore) -> dict[str, str]:
    """hash -> source for every key that is not revoked (the tracking API caches this briefly)."""
    stmt = select(WriteKey.key_hash, WriteKey.source).where(WriteKey.revoked_at.is_(None))
    with store.session() as session:
        return {str(h): str(s) for h, s in session.execute(stmt)}
