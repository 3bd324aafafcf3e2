"""The labelled requests the intent classifier learns from (data only; see intent/corpus.py)."""
