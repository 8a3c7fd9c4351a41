"""Start the Textual app from the command line."""

from __future__ import annotations

import argparse


def launch(args: argparse.Namespace) -> int:
    from tui.app import make_app

    app = make_app()
    app.run()
    return 0
