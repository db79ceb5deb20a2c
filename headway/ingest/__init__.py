"""Telemetry ingestion: Segment-compatible events in, a durable log, a Parquet lake out.

The flow is one way: the tracking API and `headway ingest` append validated events to an fsync'd
log (`log.py`); a compactor (`compactor.py`) de-duplicates them and writes the day-partitioned lake
that the engine reads as the built-in `events` source. Ingest never imports the engine.
"""
