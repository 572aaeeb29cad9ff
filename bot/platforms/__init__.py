"""Clients for the platforms' outbound APIs (sending, tokens); channels handle inbound."""
