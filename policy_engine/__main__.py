"""`python -m policy_engine ...`: the same program as `policy-check ...`."""

from policy_engine.startup import pause_gc

pause_gc()  # before the CLI's imports: they are most of a check's start-up

from policy_engine.cli import run  # noqa: E402

run()
