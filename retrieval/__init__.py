"""fashen: retrieval."""
