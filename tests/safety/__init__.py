"""Crash and power-cut tests: real child processes killed with SIGKILL at random moments."""
