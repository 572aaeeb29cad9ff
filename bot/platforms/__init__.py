"""Clients for the platforms' open APIs (sending, tokens); no Flask, no handlers."""
