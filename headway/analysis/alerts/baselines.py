"""Baselines: for every point, the value expected from the points before it and a band around it.

Numbers in, numbers out: each function takes the whole series (NaN where there is no data)
and returns one-step-ahead `Bands`, so a backtest and a live run compute the same thing.
Robust statistics (median, MAD) keep a past anomaly from widening the band for ever.
"""

from __future__ import annotations

import statistics
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

MAD_SCALE = 1.4826  # MAD x 1.4826 estimates the standard deviation of normal noise
MIN_POINTS = 5  # fewer usable points than this: no band (the rule is still warming up)


@dataclass(frozen=True)
class Bands:
    expected: np.ndarray
    low: np.ndarray
    high: np.ndarray
    note: str = ""  # e.g. why a seasonal rule fell back to rolling
    fallback: np.ndarray | None = None  # True where the note applies


def trailing(x: np.ndarray, window: int) -> np.ndarray:
    """Row t holds x[t-window : t] (the points strictly before t), NaN-padded at the start."""
    padded = np.concatenate([np.full(window, np.nan), x])
    return sliding_window_view(padded, window)[: len(x)]


def _nanmedian(rows: np.ndarray, min_points: int = MIN_POINTS) -> np.ndarray:
    enough = np.sum(~np.isnan(rows), axis=1) >= min_points
    out = np.full(rows.shape[0], np.nan)
    if enough.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows are masked out below anyway
            out[enough] = np.nanmedian(rows[enough], axis=1)
    return out


def _robust_sigma(windows: np.ndarray, centre: np.ndarray) -> np.ndarray:
    return MAD_SCALE * _nanmedian(np.abs(windows - centre[:, None]))


def _same_phase(x: np.ndarray, window: int, step: int) -> np.ndarray:
    """Row t holds x[t-step], x[t-2·step], ... back to t-window: the same weekday's points when step is 7."""
    n, depth = len(x), window // step
    rows = np.full((n, depth), np.nan)
    for j in range(1, depth + 1):
        if step * j < n:
            rows[step * j :, j - 1] = x[: n - step * j]
    return rows


def rolling(x: np.ndarray, window: int = 28, k: float = 3.0, step: int = 1) -> Bands:
    """Median of the trailing window ± k robust sigmas (MAD).

    With step 7 on daily data (`same_weekday: true`) the window keeps only the points 7, 14, ...
    days back, so a weekly cycle neither drags weekends toward the weekday median nor widens
    the band: a median of mixed weekdays calls every low weekend an anomaly.
    """
    windows = trailing(x, window) if step == 1 else _same_phase(x, window, step)
    centre = _nanmedian(windows)
    sigma = _robust_sigma(windows, centre)
    return Bands(centre, centre - k * sigma, centre + k * sigma)


def seasonal(x: np.ndarray, season: int, window: int = 28, k: float = 3.0, seasons: int = 3) -> Bands:
    """A rolling level plus the median offset of the same phase (weekday) over past seasons.

    level(t) is the median of the last full season; offset(t) the median of
    x - level at t - season, t - 2·season, ...; the band is k robust sigmas of the
    recent one-step residuals. Points with fewer than `seasons` full seasons behind
    them use `rolling` instead, and the note says so.
    """
    n = len(x)
    level = _nanmedian(trailing(x, season), min_points=max(2, season // 2))
    deviation = x - level
    depth = max(seasons, window // season)
    shifted = np.full((n, depth), np.nan)
    for j in range(1, depth + 1):
        shifted[season * j :, j - 1] = deviation[: n - season * j] if season * j < n else []
    offset = _nanmedian(shifted, min_points=seasons)
    expected = level + offset
    residual = x - expected
    recent = trailing(residual, window)
    sigma = _robust_sigma(recent, _nanmedian(recent))
    fallback = rolling(x, window, k)
    history = np.concatenate([[0], np.cumsum(~np.isnan(x))[:-1]])  # points with data before t
    use_rolling = (history < seasons * season) | np.isnan(expected) | np.isnan(sigma)
    note = ""
    if use_rolling.any() and (~np.isnan(fallback.expected[use_rolling])).any():
        note = f"seasonal needs {seasons} full seasons ({seasons * season} points) of history: rolling used before that"
    pick = np.where(use_rolling, fallback.expected, expected)
    half = np.where(use_rolling, (fallback.high - fallback.low) / 2, k * sigma)
    return Bands(pick, pick - half, pick + half, note, use_rolling & ~np.isnan(fallback.expected))


def smoothing(x: np.ndarray, season: int | None, level: float = 0.99, refit: int = 182, train: int = 365) -> Bands:
    """Holt-Winters (additive ETS: level, trend, season) one-step-ahead prediction intervals.

    Parameters are fitted on the points before each block of `refit` points and then run
    forward over the block without refitting, so no point sees its own future. The
    interval's width uses a robust (MAD) sigma of the fit's one-step residuals.

    The fits run with BLAS on one thread: SciPy's L-BFGS-B calls BLAS on matrices of a dozen
    parameters, where OpenBLAS's threads cost far more than they give (5-10x slower per fit,
    worse on a busy machine). The numbers are the same.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _smoothing(x, season, level, refit, train)


def _smoothing(x: np.ndarray, season: int | None, level: float, refit: int, train: int) -> Bands:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    n = len(x)
    expected, half = np.full(n, np.nan), np.full(n, np.nan)
    filled = _interpolate(x)
    seasonal_ok = season is not None and season > 1
    minimum = max(4 * season, 60) if seasonal_ok and season else 30
    z = statistics.NormalDist().inv_cdf(0.5 + level / 2)
    for block in range(minimum, n, refit):
        history = filled[max(0, block - train) : block]
        options: dict[str, Any] = {"error": "add", "trend": "add"}
        if seasonal_ok and len(history) >= 2 * (season or 0) + 2:
            options |= {"seasonal": "add", "seasonal_periods": season}
        upto = min(block + refit, n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence chatter on short or flat series
            params = ETSModel(history, **options).fit(disp=False, maxiter=200, return_params=True)
            # one forward pass over history and block with the fitted parameters, without the
            # results object (its covariance of the parameters costs as much as the pass itself)
            run = ETSModel(filled[max(0, block - train) : upto], **options).smooth(params, return_raw=True)
        fitted = np.asarray(run[0])
        forecast, resid = fitted[len(history) :], history - fitted[: len(history)]
        dof = max(len(resid) - len(params), 1)  # in-sample residuals understate the next point's error
        sigma = MAD_SCALE * float(np.median(np.abs(resid - np.median(resid)))) * np.sqrt(len(resid) / dof)
        expected[block:upto] = forecast
        half[block:upto] = z * sigma
    return Bands(expected, expected - half, expected + half)


def _interpolate(x: np.ndarray) -> np.ndarray:
    good = ~np.isnan(x)
    if good.all() or not good.any():
        return np.nan_to_num(x)
    idx = np.arange(len(x))
    return np.interp(idx, idx[good], x[good])


def static(n: int, low: float | None, high: float | None) -> Bands:
    """A fixed band; the expected value is its middle (or its one written side)."""
    lo = np.full(n, -np.inf if low is None else low)
    hi = np.full(n, np.inf if high is None else high)
    middle = (low + high) / 2 if low is not None and high is not None else (low if high is None else high)
    return Bands(np.full(n, np.nan if middle is None else middle), lo, hi)
