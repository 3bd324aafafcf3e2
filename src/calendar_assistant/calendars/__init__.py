"""Calendar backends behind one Protocol: local (in the database), later Google and CalDAV."""
