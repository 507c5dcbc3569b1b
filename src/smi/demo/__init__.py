"""The demo organisation (placeholder until the generator lands)."""
