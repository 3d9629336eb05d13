"""Many drafts at once (policy-check audit): finding the files, a pool of worker processes, and streaming
the reports as results come in (audit)."""
