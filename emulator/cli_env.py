"""Command-line settings from the environment: ``--port`` is also ``GIZWITS_EMULATOR_PORT``, and so on.

Every long option a command declares gets its variable (``GIZWITS_EMULATOR_`` and the option
name, upper case, ``-`` as ``_``), named in its ``--help`` line; when the variable is set it
becomes the option's default, so the command line still wins. Options added later get their
variable without more code. A value the option would refuse on the command line is refused
the same way, naming the variable.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Mapping

PREFIX = "GIZWITS_EMULATOR_"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def variable(option: str) -> str:
    """``--admin-token`` -> ``GIZWITS_EMULATOR_ADMIN_TOKEN``."""
    return PREFIX + option.lstrip("-").upper().replace("-", "_")


def _long_option(action: argparse.Action) -> str | None:
    names = [name for name in action.option_strings if name.startswith("--")]
    return names[0] if names else None


def from_environment(parser: argparse.ArgumentParser, *, only: Iterable[str] | None = None,
                     environ: Mapping[str, str] | None = None) -> list[str]:
    """Give the long options of ``parser`` (or those named in ``only``) their variables; return the names."""
    environ = os.environ if environ is None else environ
    wanted = set(only) if only is not None else None
    names = []
    for action in parser._actions:
        option = _long_option(action)
        if option is None or action.dest in ("help", "version") or (wanted is not None and option not in wanted):
            continue
        name = variable(option)
        names.append(name)
        action.help = f"{action.help or ''} [env {name}]".strip()
        raw = environ.get(name)
        if raw is not None:
            action.default = _convert(parser, action, name, raw)
    return names


def _convert(parser: argparse.ArgumentParser, action: argparse.Action, name: str, raw: str) -> object:
    if action.nargs == 0:  # a flag (store_true): the variable says yes or no
        if raw.strip().lower() in _TRUE:
            return action.const
        if raw.strip().lower() in _FALSE:
            return action.default
        parser.error(f"{name}={raw!r}: expected one of {', '.join(_TRUE)} or {', '.join(f for f in _FALSE if f)}")
    try:
        value = action.type(raw) if callable(action.type) else raw
    except (TypeError, ValueError, argparse.ArgumentTypeError) as error:
        kind = getattr(action.type, "__name__", "value")
        parser.error(f"{name}={raw!r}: not a valid {kind} ({error})")
    if action.choices is not None and value not in action.choices:
        parser.error(f"{name}={raw!r}: choose one of {', '.join(map(str, action.choices))}")
    return value
