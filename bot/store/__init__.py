"""Redis-backed storage behind narrow, named operations; keys come only from `keys.Keys`."""
