"""Run a submission's answer cells in forked, locked-down processes (see `zygote`, `policy`, `client`)."""
