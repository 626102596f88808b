"""The settings a deployment would get from its environment, read in the test's own process.

tracker/settings.py is run again as a fresh module under exactly the environment given (the test process's own, with
some variables taken out or set), and its names are returned over Django's defaults, as `django.conf.settings` would
give them. The running test's settings are not touched. Each of these checks used to start a Python process of its
own and set Django up in it: about a second of CPU each, some twenty times a run, for a file of plain assignments.
What needs Django itself set up (its system checks) still runs `manage.py` in a process of its own.
"""

import importlib.util
import os
from types import SimpleNamespace

from django.conf import global_settings

# A production deployment's environment, every variable it must set given.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "q7Vx2-r9mT4kLz8pW1nB6yC3sD0fG5hJ-uE7iO2aR4tY-xN8vQ3wL6zK1",
    "ALLOWED_HOSTS": "treaties.example.org",
}


def settings_under(*, without: tuple[str, ...] = (), **variables: str) -> SimpleNamespace:
    """The settings with `without` taken out of the environment and `variables` set in it. Raises what the settings
    raise (ImproperlyConfigured for a production setting left unset), as `manage.py` would on starting."""
    saved = dict(os.environ)
    try:
        for name in without:
            os.environ.pop(name, None)
        os.environ.update(variables)
        # A fresh module each time, never put in sys.modules: the running settings stay as they are.
        spec = importlib.util.find_spec("tracker.settings")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:  # also what the settings' read_env of a .env file added
        os.environ.clear()
        os.environ.update(saved)
    defaults = {name: getattr(global_settings, name) for name in dir(global_settings) if name.isupper()}
    return SimpleNamespace(**{**defaults, **{name: value for name, value in vars(module).items() if name.isupper()}})
