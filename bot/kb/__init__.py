"""The staff-edited knowledge base: schema, loading with validation, hot reload."""
