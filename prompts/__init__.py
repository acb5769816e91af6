"""fashen: prompts."""
