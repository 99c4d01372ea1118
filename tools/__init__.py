"""Build tools run by hand from the repository root, outside the runtime package (the app
and its Docker image do not hold them): ``python -m tools.basemap``."""
