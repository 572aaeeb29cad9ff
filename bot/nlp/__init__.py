"""Understanding what a student typed: normalize, correct, tokenize, match against the FAQ."""
