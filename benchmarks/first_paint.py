"""Child process of the startup benchmark: run an app headless, exit at a given moment.

    python benchmarks/first_paint.py bare
    python benchmarks/first_paint.py home [dlquiz options]        # first paint of the home screen
    python benchmarks/first_paint.py bank-ready [dlquiz options]  # once the bank has loaded

``App.run`` is wrapped to run headless with an auto-pilot that ends the process right
after the first refresh (or after the refresh that shows the loaded bank), with
``os._exit``: the process lives exactly until that moment, so its wall time and peak RSS
are those of reaching it (neither side pays for teardown, and work started after the
moment, such as the bank loading in a thread, is not counted). ``dlquiz`` runs through
its real entry point (:func:`tui.cli.main`). With ``DLQUIZ_BENCH_REPORT=FILE`` the child
writes, at that moment, the screen shown and which heavy modules were loaded.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402  (the clock starts before any import)
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

from textual.app import App  # noqa: E402

HEAVY_MODULES = ("sympy", "torch", "numpy", "pydantic", "yaml", "quizbank.schema")


async def _next_refresh(app: Any) -> None:
    painted = asyncio.Event()
    app.call_after_refresh(painted.set)
    await painted.wait()


def _report(app: Any) -> None:
    path = os.environ.get("DLQUIZ_BENCH_REPORT")
    if not path:
        return
    report = {
        "seconds_in_process": time.perf_counter() - STARTED,
        "screen": type(app.screen).__name__,
        "bank_loaded": getattr(app, "bank", None) is not None,
        "modules": {name: name in sys.modules for name in HEAVY_MODULES},
    }
    with open(path, "w", encoding="utf-8") as file:
        json.dump(report, file)


def _autopilot(moment: str) -> Any:
    async def pilot_run(pilot: Any) -> None:
        app = pilot.app
        await _next_refresh(app)
        if moment == "bank-ready":
            while getattr(app, "bank", None) is None and app.is_running:
                await asyncio.sleep(0.002)
            await _next_refresh(app)
        _report(app)
        sys.stdout.flush()
        os._exit(0)

    return pilot_run


def main() -> int:
    moment, *rest = sys.argv[1:]
    original_run = App.run

    def run_headless(self: App[Any], *args: Any, **kwargs: Any) -> Any:
        kwargs.update(headless=True, auto_pilot=_autopilot(moment))
        return original_run(self, *args, **kwargs)

    App.run = run_headless  # type: ignore[method-assign]
    if moment == "bare":
        App().run()
    else:
        from tui.cli import main as dlquiz

        dlquiz(rest)
    print(f"first_paint.py: the app ended before the moment {moment!r}", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main())
