"""Knowing the student: the roster, binding chats to it, profiles, and erasure.

Handlers, the admin API, the CLI and the console call these functions; they decide
what is kept and how, the stores keep it.
"""
