"""fashen: corpus."""
