"""gizwits-emulator drop-in startup hook (put on PYTHONPATH by ``gizwits-emulator env``).

When GIZWITS_EMULATOR_DROPIN is set, sends this process's calls to the real cloud's host names
to the emulator it names (emulator.dropin.hook). The emulator package beside this folder is
loaded under a private name, so it clashes with nothing the process imports, and without putting
the emulator's own dependencies on the path. Then the sitecustomize this one hides, if any, runs.
"""

import importlib.machinery
import importlib.util
import os
import sys


def _load_hook():
    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    name = "_gizwits_emulator_dropin"
    spec = importlib.util.spec_from_file_location(name, os.path.join(package, "__init__.py"),
                                                  submodule_search_locations=[package])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return importlib.import_module(name + ".dropin.hook")


def _chain():
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


if os.environ.get("GIZWITS_EMULATOR_DROPIN"):
    try:
        _load_hook().install()
    except Exception as error:  # never break the program this runs in
        print(f"gizwits-emulator drop-in: the startup hook failed ({type(error).__name__}: {error}); "
              "nothing is redirected", file=sys.stderr)
_chain()
