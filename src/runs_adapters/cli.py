"""The ``runs`` command (filled in by later work)."""


def main() -> None:
    print("runs: nothing here yet")
