"""Writes of the evaluations app, split by concept: criteria sets, vendors and products,
the evaluation workflow and scoring."""
