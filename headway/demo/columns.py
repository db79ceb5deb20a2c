"""Build Arrow columns from numpy arrays without a Python loop per row.

Identifiers are written straight into a byte matrix and wrapped as an Arrow
string array; categorical columns are integer codes taken from a short list
of labels (code -1 means null).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

TIMESTAMP = pa.timestamp("us", tz="UTC")
HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)


def from_matrix(chars: np.ndarray) -> pa.StringArray:
    """One string per row of a (rows, width) uint8 matrix of ASCII characters."""
    rows, width = chars.shape
    offsets = np.arange(rows + 1, dtype=np.int32) * width
    data = np.ascontiguousarray(chars, dtype=np.uint8)
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(data))


def hex_matrix(rng: np.random.Generator, rows: int, width: int) -> np.ndarray:
    return HEX[rng.integers(0, 16, size=(rows, width), dtype=np.uint8)]


def uuid_matrix(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Random version-4 UUIDs as a (rows, 36) character matrix."""
    nibbles = rng.integers(0, 16, size=(rows, 32), dtype=np.uint8)
    nibbles[:, 12] = 4
    nibbles[:, 16] = 8 + (nibbles[:, 16] & 3)
    out = np.full((rows, 36), ord("-"), dtype=np.uint8)
    for start, stop, at in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        out[:, at : at + stop - start] = HEX[nibbles[:, start:stop]]
    return out


def number_matrix(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """`prefix` + zero-padded numbers, e.g. acc_00042, as a character matrix."""
    numbers = np.asarray(numbers, dtype=np.int64)
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = DIGITS[(numbers[:, None] // powers[None, :]) % 10]
    return np.hstack([np.broadcast_to(head, (len(numbers), len(head))), digits])


def ids(prefix: str, count: int, width: int = 6) -> pa.StringArray:
    """prefix_000001 .. for `count` rows, numbered from 1."""
    return from_matrix(number_matrix(prefix, np.arange(1, count + 1), width))


def take(labels: Sequence[str | None] | pa.Array, codes: np.ndarray) -> pa.Array:
    """labels[code] per row; a negative code is null."""
    dictionary = labels if isinstance(labels, pa.Array) else pa.array(list(labels), pa.string())
    codes = np.asarray(codes, dtype=np.int64)
    indices = pa.array(np.maximum(codes, 0), mask=codes < 0)
    return dictionary.take(indices)


def timestamps(us: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(us, dtype=np.int64), type=TIMESTAMP, mask=null)


def dates(epoch_days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(epoch_days, dtype=np.int32), type=pa.date32())


def doubles(values: np.ndarray, digits: int | None = 2) -> pa.Array:
    """Doubles rounded for readability; NaN becomes null."""
    values = np.asarray(values, dtype=np.float64)
    if digits is not None:
        values = np.round(values, digits)
    return pa.array(values, type=pa.float64(), mask=np.isnan(values))


def integers(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64), type=pa.int64(), mask=null)


def booleans(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), type=pa.bool_(), mask=null)


def choice(rng: np.random.Generator, weights: Sequence[float], size: int) -> np.ndarray:
    """Codes 0..len(weights)-1 drawn with the given (unnormalised) weights."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum())


def lognormal(rng: np.random.Generator, median: float, sigma: float, size: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(size))
