"""The dashboard: a web page, served by the emulator, that watches and drives the simulated
devices and the clock over the admin API (``docs/dashboard.md``).

``static/`` holds the page, its script and style, and the vendored front-end libraries
(``static/vendor/README.md``); :mod:`.routes` serves them under ``/_emulator/dashboard``.
"""
