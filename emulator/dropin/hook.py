"""The Python startup hook of the drop-in environment: redirection and trust in a process that
does not know about the emulator.

``sitecustomize`` (in ``pythonpath/``, put on ``PYTHONPATH`` by ``gizwits-emulator env``) calls
:func:`install` when ``GIZWITS_EMULATOR_DROPIN`` is set. It builds the same
:class:`~emulator.testing.redirect.Redirect` the pytest plugin uses, aimed at the emulator the
variable names, and applies each of its patches when the library it patches is first imported
(``ssl``, ``socket``, aiohttp, httpx, requests, websockets): a process that never imports
aiohttp never pays for it, and libraries imported later are still covered.

Standard library only: the process may have none of the emulator's dependencies.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from ..testing.redirect import Redirect

if TYPE_CHECKING:
    import ssl
    from collections.abc import Callable, Sequence
    from types import ModuleType

VARIABLE = "GIZWITS_EMULATOR_DROPIN"


def warn(message: str) -> None:
    print(f"gizwits-emulator drop-in: {message}", file=sys.stderr)


class Authority:
    """The emulator's authority as :class:`Redirect` uses it: the file, and a context trusting it."""

    def __init__(self, ca_file: str) -> None:
        from pathlib import Path

        self.ca_file = Path(ca_file)
        self._context: ssl.SSLContext | None = None

    def client_context(self) -> ssl.SSLContext:
        if self._context is None:
            import ssl

            self._context = ssl.create_default_context(cafile=str(self.ca_file))
        return self._context


class AfterImport:
    """A ``sys.meta_path`` finder that runs a callback once a module has been imported (its code
    executed), then steps aside. (Not an ``importlib.abc.MetaPathFinder`` subclass: importing
    importlib.abc costs every process a third of the hook's start-up; the import system only
    calls ``find_spec``.)"""

    def __init__(self, callbacks: dict[str, Callable[[], None]]) -> None:
        self.callbacks = callbacks

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if name not in self.callbacks:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        callback = self.callbacks.pop(name)
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            run(name, callback)

        loader.exec_module = exec_module  # type: ignore[method-assign]  # this module's loader only
        return spec


def run(name: str, callback: Callable[[], None]) -> None:
    try:
        callback()
    except ImportError:
        pass  # a version of the library without the part patched (e.g. websockets before 13)
    except Exception as error:  # a hook must never break the program it runs in
        warn(f"could not redirect {name}: {type(error).__name__}: {error}")


def install(environ: dict[str, str] | os._Environ[str] = os.environ) -> Redirect | None:
    text = environ.get(VARIABLE)
    if not text:
        return None
    try:
        config = json.loads(text)
        ca = config.get("ca")
        tls: Any = Authority(ca) if ca else None
        if tls is not None:
            tls.ca_file.read_bytes()  # fail now, loudly, rather than at the first handshake
        redirect = Redirect(config.get("plain_port"), config.get("tls_port"), tls, address=config["address"])
    except (ValueError, KeyError, TypeError, OSError) as error:
        warn(f"{VARIABLE} is not usable ({type(error).__name__}: {error}); nothing is redirected")
        return None
    pending = {}
    for module, patch in redirect.patchers().items():
        if module in sys.modules:
            run(module, patch)
        else:
            pending[module] = patch
    if pending:
        sys.meta_path.insert(0, AfterImport(pending))
    return redirect
