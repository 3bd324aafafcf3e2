"""The intent of a message by a trained classifier (issue 10): corpus, features, model, decision."""
