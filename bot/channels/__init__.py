"""Platform adapters: each verifies, parses and renders; none knows about intents."""
