"""Serve a workspace: JSON API, web pages, one FastAPI app."""

from headway.serve.app import create_app

__all__ = ["create_app"]
