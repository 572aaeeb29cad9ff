"""A person when needed: tickets for students who ask for one, the staff group's card,
office hours, and staff replies finding their way back to the student."""
