"""Run policy-check from a checkout without installing it: `python cli.py check FILE`.

The command line lives in policy_engine/cli.py (installed as `policy-check` and `python -m
policy_engine`); this shim only keeps the old way of running it, and `from cli import main`, working.
"""

if __name__ == "__main__":
    from policy_engine.startup import pause_gc
    pause_gc()  # before the imports below: they are most of a check's start-up

from policy_engine.cli import *  # noqa: E402,F401,F403
from policy_engine.cli import main, run  # noqa: E402,F401

if __name__ == "__main__":
    run()
