"""API routes, one module per resource; each route only parses, delegates and shapes."""
