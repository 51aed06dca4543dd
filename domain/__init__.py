"""Pure rules of the catalogue (no I/O): grid ratings, derived package facts."""
