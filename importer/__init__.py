"""Bring Django Packages API v4 data into our tables: parse, validate, upsert."""
