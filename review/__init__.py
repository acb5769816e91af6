"""fashen: review."""
