"""Channel adapters: thin wrappers around Assistant.handle."""
