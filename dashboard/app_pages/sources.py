"""Placeholder until its own issue fills it."""

from dashboard import ui

ctx = ui.context()
ui.page_header(ctx, "nav_sources", "sources")
ui.placeholder(ctx, "nav_sources")
