"""JupyterLab-in-Chromium tests (``make test-browser``); skipped by a plain ``pytest``."""
