"""Identity resolution: the append-only identity log, resolved into a person per id.

Each event carries a `person_key` (`user:<userId>`, else `anon:<anonymousId>`, else its own
message id when both ids are junk). `identify` and `alias` link an anonymous id to a user id.
The links are replayed in a fixed order into a union-find; a link that would join two different
user ids is refused unless `ingest.merge_identified` is on (as PostHog does). The result is a
small Parquet mapping (`.headway/lake/people/people.parquet`: person_key -> person_id) that the
built-in `people` source reads, so `person.person_id` follows a late identify without rewriting
a single event file.
"""

from __future__ import annotations

from typing import Any

from headway.ingest.db import IngestDB
from headway.ingest.lake import Lake
from headway.ingest.messages import is_junk
from headway.spec.ingest_settings import IngestSettings


def person_key(row: dict[str, Any]) -> str:
    if not is_junk(row.get("user_id")):
        return f"user:{row['user_id']}"
    if not is_junk(row.get("anonymous_id")):
        return f"anon:{row['anonymous_id']}"
    return f"msg:{row['message_id']}"


class People:
    """Union-find over person keys that remembers each group's user ids."""

    def __init__(self, merge_identified: bool):
        self.parent: dict[str, str] = {}
        self.users: dict[str, set[str]] = {}
        self.merge_identified = merge_identified
        self.refused = 0

    def find(self, key: str) -> str:
        parent = self.parent.setdefault(key, key)
        if parent != key:
            parent = self.parent[key] = self.find(parent)
        return parent

    def add(self, key: str) -> None:
        root = self.find(key)
        if key.startswith("user:"):
            self.users.setdefault(root, set()).add(key)

    def link(self, a: str, b: str) -> tuple[str, str] | None:
        """Join the groups of a and b; returns (kept root, absorbed root), or None when nothing merged."""
        self.add(a)
        self.add(b)
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        users_a, users_b = self.users.get(ra, set()), self.users.get(rb, set())
        if users_a and users_b and not self.merge_identified:
            self.refused += 1  # two people who each logged in: never merged without the opt-in
            return None
        low, high = sorted((ra, rb))
        self.parent[high] = low
        self.users[low] = users_a | users_b
        self.users.pop(high, None)
        return low, high

    def person_of(self, key: str) -> str:
        root = self.find(key)
        users = self.users.get(root)
        chosen = min(users) if users else root
        return chosen.split(":", 1)[1]


def key_for_link(identifier: str, users: set[str]) -> str:
    """The key a link's first id stands for: a user's when it is a known user id, else an anonymous id's."""
    return f"user:{identifier}" if identifier in users else f"anon:{identifier}"


def resolve_people(db: IngestDB, lake: Lake, settings: IngestSettings) -> int:
    """Rewrite the mapping from every key seen and the whole identity log; return refused merges."""
    people = People(settings.merge_identified)
    keys = [row[0] for row in db.con.execute("SELECT key FROM person_keys ORDER BY key")]
    for key in keys:
        people.add(key)
    user_ids = {k[5:] for k in keys if k.startswith("user:")}
    links = db.con.execute("SELECT a, b FROM identity_log ORDER BY received_at, segment, line").fetchall()
    for a, b in links:
        if is_junk(a) or is_junk(b) or a == b:
            continue  # junk ids never merge people
        people.link(key_for_link(a, user_ids), f"user:{b}")
    lake.write_people(keys, [people.person_of(k) for k in keys])
    return people.refused
