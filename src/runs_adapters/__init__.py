"""Transport adapters and user-facing clients of the runs library."""
