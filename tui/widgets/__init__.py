"""Reusable widgets of the dlquiz TUI, grouped by the area of the screen they serve."""
