"""Pure domain types and calculations: no I/O, no framework."""
