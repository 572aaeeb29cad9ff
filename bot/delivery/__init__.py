"""Getting notices out: the sender reads the outbox and hands each notice to a transport."""
