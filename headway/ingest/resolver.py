"""The people mapping kept up to date pass by pass, instead of replaying the whole identity log.

`identity.resolve_people` replays every key and link on each call: ~1.5 s per 300k ids on the
2-core machine, paid by every compaction pass that brings a new person. The compactor process is
long-lived, so it keeps the union-find in memory and applies only what is new: the keys and links
added since its last pass. The result is the full replay's, by construction, as long as the new
links come after the applied ones in the replay's order (receipt time, segment, line) and no new
user id was already read as an anonymous id by an applied link; otherwise, and on the first pass,
it replays everything. Keys and links written by another process (`headway ingest`) are found by
the identity log's ids and the key count. Only the mapping file is rewritten, never an event file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from headway.ingest.db import IngestDB
from headway.ingest.identity import People, key_for_link
from headway.ingest.lake import Lake
from headway.ingest.messages import is_junk
from headway.spec.ingest_settings import IngestSettings

LINKS = "SELECT id, a, b, received_at, segment, line FROM identity_log WHERE id > ? ORDER BY received_at, segment, line"


class Groups(People):
    """People that also know each group's members, so a merge updates only the merged group."""

    def __init__(self, merge_identified: bool):
        super().__init__(merge_identified)
        self.members: dict[str, list[str]] | None = None  # root -> its nodes, built on first need
        self.touched: set[str] = set()  # roots whose person may have changed since last asked

    def add(self, key: str) -> None:
        if self.members is not None and key not in self.parent:
            self.members[key] = [key]
        super().add(key)

    def link(self, a: str, b: str) -> tuple[str, str] | None:
        merged = super().link(a, b)
        if merged is not None:
            low, high = merged
            if self.members is not None:  # the absorbed root's members join the kept root's
                self.members[low].extend(self.members.pop(high))
            self.touched.add(low)
        return merged

    def members_of(self, root: str) -> list[str]:
        if self.members is None:  # a replay does without them; the first pass after it indexes once
            self.members = {}
            for node in self.parent:
                self.members.setdefault(self.find(node), []).append(node)
        return self.members.get(root, [])


@dataclass
class State:
    groups: Groups
    person: dict[str, str] = field(default_factory=dict)  # each person key -> its person id
    user_ids: set[str] = field(default_factory=set)
    read_as_anonymous: set[str] = field(default_factory=set)  # link ids taken as anonymous ids
    applied_id: int = 0
    last: tuple[int, ...] = (-1, -1, -1)  # (received_at, segment, line) of the latest applied link

    def add_keys(self, keys: list[str]) -> bool:
        """Add new keys; False when one is a user id an applied link read as anonymous (replay then)."""
        for key in keys:
            if key in self.person:
                continue
            if key.startswith("user:"):
                if key[5:] in self.read_as_anonymous:
                    return False
                self.user_ids.add(key[5:])
            self.groups.add(key)
            self.person[key] = self.groups.person_of(key)
        return True

    def apply(self, links: list[tuple[int, str, str, int, int, int]]) -> None:
        if links:  # sorted in the replay's order: the last one is the latest
            self.applied_id = max(self.applied_id, max(link[0] for link in links))
            self.last = max(self.last, links[-1][3:])
        for _, a, b, _, _, _ in links:
            if is_junk(a) or is_junk(b) or a == b:
                continue  # junk ids never merge people
            first = key_for_link(a, self.user_ids)
            if first.startswith("anon:"):
                self.read_as_anonymous.add(a)
            self.groups.link(first, f"user:{b}")
        for root in self.groups.touched if self.person else ():  # a replay computes every person after
            chosen = self.groups.person_of(root)
            for key in self.groups.members_of(root):
                if key in self.person:
                    self.person[key] = chosen
        self.groups.touched.clear()


class Resolver:
    """One per compactor: `update` brings the mapping file up to date; returns refused merges so far."""

    def __init__(self, settings: IngestSettings):
        self.settings = settings
        self.state: State | None = None

    def update(self, db: IngestDB, lake: Lake, keys: set[str] | None = None) -> int:
        """`keys`: the person keys this pass added (others are found by the key count)."""
        state = self.state
        if state is None or not self._extend(state, db, keys or set()):
            state = self.state = self._replay(db)
        lake.write_people(list(state.person), list(state.person.values()))
        return state.groups.refused

    def _replay(self, db: IngestDB) -> State:
        """Every key, then every link in the replay's order: `identity.resolve_people`'s result."""
        state = State(Groups(self.settings.merge_identified))
        keys = [row[0] for row in db.con.execute("SELECT key FROM person_keys ORDER BY key")]
        state.user_ids = {k[5:] for k in keys if k.startswith("user:")}
        for key in keys:
            state.groups.add(key)
        state.apply(db.con.execute(LINKS, (0,)).fetchall())
        state.person = {key: state.groups.person_of(key) for key in keys}
        return state

    def _extend(self, state: State, db: IngestDB, keys: set[str]) -> bool:
        """Apply what is new; False when only a replay gives the replay's result."""
        if not state.add_keys(sorted(keys)):
            return False
        count = db.con.execute("SELECT count(*) FROM person_keys").fetchone()[0]
        if count != len(state.person):  # another process added keys: find them
            every = [row[0] for row in db.con.execute("SELECT key FROM person_keys")]
            if not state.add_keys([k for k in every if k not in state.person]) or count != len(state.person):
                return False
        links = db.con.execute(LINKS, (state.applied_id,)).fetchall()
        if links and (links[0][3], links[0][4], links[0][5]) < state.last:
            return False  # a link that sorts before an applied one: order matters for refusals
        state.apply(links)
        return True
