"""queueapp: the host stand of a busy restaurant, in a terminal."""

__version__ = "0.1.0"
