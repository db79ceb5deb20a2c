"""The customer tables: accounts (one row per account) and subscriptions (one row per period).

Names and e-mail addresses are made up from short word lists and always use
the reserved `.example` domain, so nothing in the demo can reach a real
person.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.demo.accounts import PLANS, REGIONS, SEGMENTS, Population
from headway.demo.columns import booleans, doubles, ids, take, timestamps
from headway.demo.lifecycle import CHURNED, END_REASONS, LAPSED, PAID, START_REASONS, Lifecycle
from headway.demo.timeline import Timeline

FIRST = (
    "ada",
    "ben",
    "chloe",
    "diego",
    "emma",
    "farid",
    "grace",
    "hiro",
    "ines",
    "jonas",
    "kemi",
    "liam",
    "maya",
    "noah",
    "olga",
    "priya",
    "quinn",
    "rosa",
    "sam",
    "tariq",
    "uma",
    "victor",
    "wen",
    "yusuf",
    "zoe",
)
LAST = (
    "adams",
    "berg",
    "costa",
    "diaz",
    "eriksen",
    "fischer",
    "garcia",
    "haddad",
    "ito",
    "jensen",
    "kim",
    "lopez",
    "moreau",
    "nakamura",
    "okafor",
    "patel",
    "rossi",
    "silva",
    "tanaka",
    "ueda",
    "varga",
    "weber",
    "young",
)
WORD = (
    "Acorn",
    "Bright",
    "Cobalt",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Indigo",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nimbus",
    "Orbit",
    "Pioneer",
    "Quartz",
    "Redwood",
    "Summit",
    "Tidal",
    "Umber",
    "Vertex",
    "Willow",
    "Zephyr",
)
NOUN = (
    "Analytics",
    "Bakery",
    "Clinics",
    "Logistics",
    "Media",
    "Robotics",
    "Studios",
    "Systems",
    "Travel",
    "Works",
    "Foods",
    "Health",
    "Labs",
    "Energy",
    "Retail",
    "Finance",
)
STATUS = ("trialing", "active", "churned", "lapsed")


def owner_emails(pop: Population, rng: np.random.Generator) -> tuple[pa.Array, pa.Array]:
    """(account names, owner e-mail per account), e.g. ("Cobalt Labs 17", "maya.ito@cobalt-labs-17.example")."""
    n = pop.n
    word, noun = take(WORD, rng.integers(0, len(WORD), n)), take(NOUN, rng.integers(0, len(NOUN), n))
    number = pc.cast(pa.array(rng.integers(1, 100, n)), pa.string())
    name = pc.binary_join_element_wise(word, noun, number, " ")
    slug = pc.utf8_lower(pc.replace_substring(name, " ", "-"))
    first, last = take(FIRST, rng.integers(0, len(FIRST), n)), take(LAST, rng.integers(0, len(LAST), n))
    email = pc.binary_join_element_wise(first, ".", last, "@", slug, ".example", "")
    return name, email


def accounts_table(
    tl: Timeline, pop: Population, lc: Lifecycle, account_ids: pa.Array, name: pa.Array, email: pa.Array
) -> pa.Table:
    status = np.select([lc.status == PAID, lc.status == CHURNED, lc.status == LAPSED], [1, 2, 3], 0)
    return pa.table(
        {
            "account_id": account_ids,
            "name": name,
            "plan": take(PLANS, lc.plan),
            "status": take(STATUS, status),
            "region": take(REGIONS, pop.region),
            "segment": take(SEGMENTS, pop.segment),
            "signed_up_at": timestamps(tl.us(pop.arrival, pop.second)),
            "owner_email": email,
        }
    )


def subscriptions_table(
    tl: Timeline, pop: Population, lc: Lifecycle, account_ids: pa.Array, email: pa.Array
) -> pa.Table:
    rows = lc.subscriptions
    order = np.lexsort((rows["account"], rows["start_day"]))
    rows = {k: v[order] for k, v in rows.items()}
    account = rows["account"]
    second = pop.second[account]
    open_ = rows["end_day"] < 0
    return pa.table(
        {
            "subscription_id": ids("sub_", len(account), 6),
            "account_id": take(account_ids, account),
            "plan": take(PLANS, rows["plan"]),
            "region": take(REGIONS, pop.region[account]),
            "mrr": doubles(rows["mrr"]),
            "is_trial": booleans(rows["trial"]),
            "started_at": timestamps(tl.us(rows["start_day"], second)),
            "ended_at": timestamps(tl.us(np.maximum(rows["end_day"], 0), second), null=open_),
            "start_reason": take(START_REASONS, rows["start_reason"]),
            "end_reason": take(END_REASONS, rows["end_reason"]),
            "owner_email": take(email, account),
        }
    )
