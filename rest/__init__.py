"""A read-only REST layer answering in Django Packages' API v4 and v3 shapes."""

from rest.routes import rest_routes

__all__ = ["rest_routes"]
