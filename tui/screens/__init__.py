"""The screens of the dlquiz TUI; each has its own ``.tcss`` file beside it."""
