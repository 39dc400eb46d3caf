"""The blocking half of the clients, generated from ``runs_adapters._async`` by
``scripts/unasync.py``: edit the async source, then run the script. Only
``_primitives.py`` here is written by hand."""
