"""Scoring pipeline output against the synthetic corpus's ground truth (`jixiao eval`)."""
