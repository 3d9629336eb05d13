"""Many drafts at once (policy-check audit): finding the files (discovery), a pool of worker processes
under a watchdog (pool), and one audit from start to finish, streaming its reports (audit)."""
