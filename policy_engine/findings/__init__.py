"""Findings, once found: one draft's result (result), waivers applied to them (waivers), a previous report
to compare with (baseline), and the --select/--ignore choice of rules (selection). Evaluation produces
these and reports read them; nothing here imports the engine."""
