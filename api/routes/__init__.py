"""One module per resource; each route calls the core and returns what it gives, as JSON."""
