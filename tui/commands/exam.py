"""`dlquiz exam`: a timed mock exam in the TUI, resumable after a crash, with a report."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from tui.commands import SubParsers, subcommand

if TYPE_CHECKING:
    from quizbank.store import Store


def register(subparsers: SubParsers) -> None:
    parser = subcommand(
        subparsers,
        "exam",
        "take a timed mock exam (90 minutes like the real one, or a quick one); answers are "
        "saved as you go, so `--resume` continues after a crash",
    )
    parser.add_argument(
        "--blueprint",
        metavar="NAME|PATH",
        default=None,
        help="which exam: i2dl-mock (default, 90 min), quick-20, or a blueprint YAML file",
    )
    parser.add_argument(
        "--minutes", type=float, default=None, metavar="M", help="override the exam's duration"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="S",
        help="the same blueprint and seed give the same exam (share it with classmates)",
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue the open exam with the time that remains"
    )
    parser.add_argument(
        "--show-grades",
        action="store_true",
        help="grade each question as soon as you check it (enter), instead of at the end",
    )
    parser.add_argument(
        "--report",
        nargs="?",
        type=int,
        const=0,
        default=None,
        metavar="ID",
        help="show the report of exam ID (default: the latest submitted one) to rate open answers",
    )
    parser.add_argument("--list", action="store_true", help="list the built-in blueprints and exit")
    parser.set_defaults(handler=run_exam)


def _list_blueprints() -> int:
    from quizbank.blueprints import blueprint_names, load_blueprint

    for name in blueprint_names():
        blueprint = load_blueprint(name).blueprint
        print(
            f"{name:<12} {blueprint.duration_minutes:g} min, {blueprint.total_points:g} points, "
            f"{sum(s.count for s in blueprint.sections)} questions: {blueprint.title}"
        )
    return 0


def run_exam(args: argparse.Namespace) -> int:
    from quizbank.errors import UserError

    if args.list:
        return _list_blueprints()
    if args.minutes is not None and not 0 < args.minutes <= 600:
        raise UserError("--minutes must be more than 0 and at most 600")
    if args.resume and (args.blueprint or args.seed is not None or args.minutes is not None):
        raise UserError("--resume continues the open exam as it was; leave out the other options")
    if args.seed is not None and args.seed < 0:
        raise UserError("--seed must be 0 or more")

    import random

    from quizbank.blueprints import load_blueprint
    from quizbank.clock import SystemClock
    from quizbank.exam import assemble
    from quizbank.loader import load_bank
    from tui.app import make_app
    from tui.launch import open_progress_store
    from tui.screens.exam_session import DEFAULT_BLUEPRINT, ExamRequest

    banks = list(getattr(args, "banks", []) or [])
    bank = load_bank(banks, skip_broken=True)
    request: ExamRequest | None = None
    if args.report is None and not args.resume:
        # Assemble before the TUI opens, so that a bad blueprint is one clear line.
        seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
        blueprint = load_blueprint(args.blueprint or DEFAULT_BLUEPRINT)
        plan = assemble(blueprint, bank.questions, seed)
        request = ExamRequest(
            blueprint=blueprint.name,
            seed=seed,
            minutes=args.minutes,
            show_grades=True if args.show_grades else None,
            plan=plan,
        )
    clock = SystemClock()
    store = open_progress_store(args, clock)
    try:
        open_exam = store.open_exam()
        if args.resume:
            if open_exam is None:
                raise UserError("no exam is open; start one with `dlquiz exam`")
            request = ExamRequest(resume=True)
        elif args.report is not None:
            request = ExamRequest(report_id=_report_id(store, args.report))
        elif open_exam is not None and open_exam.remaining(clock.now()).total_seconds() > 0:
            raise UserError(
                f"exam #{open_exam.id} ({open_exam.blueprint}) is still open: continue it with "
                "`dlquiz exam --resume` and submit it before starting another"
            )
        app = make_app(bank=bank, store=store, clock=clock, start=request, extra_banks=banks)
        app.run()
    finally:
        store.close()
    if app.fatal_message:
        print(f"dlquiz: {app.fatal_message}", file=sys.stderr)
    return app.return_code or 0


def _report_id(store: Store, wanted: int) -> int:
    from quizbank.errors import UserError

    if wanted:
        if store.exam(wanted) is None:
            raise UserError(f"there is no exam #{wanted}; `dlquiz stats` lists them")
        return wanted
    submitted = [exam for exam in store.list_exams() if not exam.is_open]
    if not submitted:
        raise UserError("no exam has been submitted yet; start one with `dlquiz exam`")
    return submitted[0].id
