"""fashen: api."""
