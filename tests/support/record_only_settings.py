"""The project's settings without the apps that use the record: proof that the record stands alone."""

from tracker.settings import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in ("feeds", "alerts")]  # noqa: F405
ROOT_URLCONF = "treaties.urls"
