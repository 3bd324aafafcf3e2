"""The time grammar: Russian and English time expressions -> spans of time (SPEC.md §3b)."""
