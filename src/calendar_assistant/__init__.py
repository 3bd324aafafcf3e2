"""An open-source calendar assistant people talk to in Russian or English."""

__version__ = "0.1.0"
