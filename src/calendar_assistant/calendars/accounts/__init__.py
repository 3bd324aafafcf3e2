"""Connected calendar accounts: encrypted credentials, a user's backends, the combined view."""
