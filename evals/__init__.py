"""fashen: evals."""
