"""Feishu bot: webhook and long connection, event parsing, cards, the open API and the transport."""
