"""Understanding: text -> Command. The offline grammar first; an LLM later for the long tail."""
