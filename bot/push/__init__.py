"""Deciding what to push: the job vocabulary, matching, digest and reminder planning, quiet hours."""
