"""Event rows as integer codes, and how they become a Segment-shaped Arrow table.

Generators fill a dict of equal-length numpy arrays (a "batch"); code -1 and
NaN mean null. Only `to_table` turns codes into strings, so every generator
stays vectorised and cheap to concatenate and sort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from headway.demo.accounts import PLANS
from headway.demo.columns import doubles, from_matrix, take, timestamps, uuid_matrix
from headway.demo.timeline import US_PER_DAY
from headway.demo.users import LOCALES, WEB_OS

KINDS = (
    "Signed Up",
    "Session Started",
    "Feature Used",
    "Invite Sent",
    "Report Exported",
    "Page Viewed",
    "Screen Viewed",
    None,
)
SIGNED_UP, SESSION, FEATURE, INVITE, EXPORT, PAGE, SCREEN, IDENTIFY = range(8)
TYPES = ("track", "page", "screen", "identify")
KIND_TYPE = np.array([0, 0, 0, 0, 0, 1, 2, 3])
SOURCES = ("web", "ios", "android", "api")
WEB, IOS, ANDROID, API = range(4)
FEATURES = ("reports", "dashboards", "export", "alerts", "integrations")
INTEGRATIONS = FEATURES.index("integrations")
MARKETING = ("/", "/pricing", "/features", "/blog", "/customers", "/signup")
APP_PAGES = ("/dashboard", "/reports", "/alerts", "/integrations", "/settings", "/billing", "/team")
SCREENS = ("Home", "Dashboards", "Reports", "Alerts", "Settings")
PATHS = MARKETING + APP_PAGES + SCREENS
DEVICES = ("desktop", "mobile", "server")
SOURCE_DEVICE = np.array([0, 1, 1, 2])
OS_NAMES = (*WEB_OS, "iOS", "Android")
KEYS = ("kind", "user", "anon", "account", "ts", "source", "feature", "plan", "duration", "path", "web_os", "locale")
MOBILE_MAJOR = 5
MONTH_2024_01 = (2024 - 1970) * 12


def rows(n: int, **columns: np.ndarray | int) -> dict[str, np.ndarray]:
    """A batch of n rows: given columns broadcast, all others null."""
    out: dict[str, np.ndarray] = {}
    for key in KEYS:
        default = np.nan if key == "duration" else -1
        value = columns.get(key, default)
        dtype = np.float64 if key == "duration" else np.int64
        out[key] = np.array(np.broadcast_to(np.asarray(value, dtype=dtype), (n,)))
    return out


def concat(batches: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {key: np.concatenate([b[key] for b in batches]) for key in KEYS}


def select(batch: dict[str, np.ndarray], index: np.ndarray) -> dict[str, np.ndarray]:
    return {key: values[index] for key, values in batch.items()}


@dataclass(frozen=True)
class Names:
    """String identifiers for the integer codes in a batch."""

    users: pa.Array
    anonymous: pa.Array
    accounts: pa.Array


def to_table(batch: dict[str, np.ndarray], names: Names, rng: np.random.Generator) -> pa.Table:
    n = len(batch["ts"])
    source = batch["source"]
    os_code = np.select([source == WEB, source == IOS, source == ANDROID], [batch["web_os"], 4, 5], -1)
    kind = batch["kind"]
    return pa.table(
        {
            "message_id": from_matrix(uuid_matrix(rng, n)),
            "type": take(TYPES, KIND_TYPE[kind]),
            "event": take(KINDS, np.where(kind == IDENTIFY, -1, kind)),
            "user_id": take(names.users, batch["user"]),
            "anonymous_id": take(names.anonymous, batch["anon"]),
            "account_id": take(names.accounts, batch["account"]),
            "timestamp": timestamps(batch["ts"]),
            "source": take(SOURCES, source),
            "properties": pa.StructArray.from_arrays(
                [
                    take(FEATURES, batch["feature"]),
                    take(PLANS, batch["plan"]),
                    doubles(batch["duration"], 1),
                    take(PATHS, batch["path"]),
                ],
                names=["feature", "plan", "duration_s", "path"],
            ),
            "context": pa.StructArray.from_arrays(
                [
                    take(DEVICES, SOURCE_DEVICE[source]),
                    take(OS_NAMES, os_code),
                    _versions(batch["ts"], source, rng),
                    take(LOCALES, batch["locale"]),
                ],
                names=["device_type", "os", "app_version", "locale"],
            ),
        }
    )


def _versions(ts: np.ndarray, source: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """The app release in use: web ships monthly as YYYY.M.0, mobile as 5.N.0; a fifth of users lag a release."""
    months = (ts // US_PER_DAY).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    months = months - (rng.random(len(ts)) < 0.2)
    if len(months) == 0:
        return pa.array([], pa.string())
    low, high = int(months.min()), int(months.max())
    labels: list[str] = []
    for m in range(low, high + 1):
        labels += [f"{1970 + m // 12}.{m % 12 + 1}.0", f"{MOBILE_MAJOR}.{m - MONTH_2024_01 + 10}.0"]
    code = (months - low) * 2 + (source != WEB)
    return take(labels, np.where(source == API, -1, code))
