"""fashen: review/criteria."""
