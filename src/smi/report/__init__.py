"""Reports (placeholder until the renderer lands)."""
