"""One detector per module; each registers itself with @detector."""
