"""The bottom of the house: settings, the database (engine, sessions, migrations) and the
running request's context. Every layer uses them; they import no layer above."""
