"""Command-line interface: ``ratecycle``. Command modules in this package register themselves."""
