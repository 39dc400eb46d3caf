"""Sans-I/O core of the runs library."""
