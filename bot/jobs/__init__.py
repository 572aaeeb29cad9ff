"""Jobs and fairs coming in: reading files, the rules a row must follow, storing, the feed."""
