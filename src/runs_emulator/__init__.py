"""A local Assistants Runs API emulator served over real HTTP."""
