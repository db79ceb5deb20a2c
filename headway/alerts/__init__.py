"""Alerting: lifecycle in the state database, escalation, channels. Evaluation lives in analysis.alerts."""
