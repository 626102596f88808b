"""The time zones a subscriber picks from: common ones first, then every current zone named with its country.

Read from the IANA tables that ship with `tzdata` (zone.tab, iso3166.tab): only canonical zones, so legacy
aliases ("US/Eastern", "Asia/Calcutta") stay out of the list, and each zone carries its country, so typing
"Japan" or "Zurich" in the picker finds Asia/Tokyo or Europe/Zurich. Any IANA name typed in full is still
accepted (`alerts.reminders.is_time_zone`), so a subscriber's older choice keeps working.
"""

from functools import cache
from importlib import resources

from .reminders import is_time_zone

COMMON = ("UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
          "America/Sao_Paulo", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Zurich", "Europe/Moscow",
          "Africa/Lagos", "Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo",
          "Australia/Sydney")


def _table(name: str):
    text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def zone_countries() -> dict[str, str]:
    """Each canonical zone and its country's name: {"Europe/Zurich": "Switzerland"}."""
    countries = {code: name for code, name in _table("iso3166.tab")}
    zones: dict[str, list[str]] = {}
    for row in _table("zone.tab"):
        zones.setdefault(row[2], []).append(countries.get(row[0], row[0]))
    return {zone: ", ".join(names) for zone, names in zones.items() if is_time_zone(zone)}


def label(zone: str) -> str:
    """"Zurich (Switzerland)"; "UTC"."""
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    country = zone_countries().get(zone)
    return f"{city} ({country})" if country else city


@cache
def picker() -> tuple[tuple[str, str], ...]:
    """(zone, label) for the picker: the common zones first, then every canonical zone by name."""
    rest = sorted(set(zone_countries()) - set(COMMON))
    return tuple((zone, label(zone)) for zone in (*COMMON, *rest))


def resolve(text: str) -> str | None:
    """The zone a subscriber meant: an IANA name, or a city or country that names exactly one zone."""
    text = text.strip()
    if "/" in text and is_time_zone(text):
        return text
    wanted = text.casefold().replace("_", " ")
    matches = {zone for zone, name in picker() if wanted in (zone.rsplit("/", 1)[-1].replace("_", " ").casefold(),
                                                              zone_countries().get(zone, "").casefold())}
    if len(matches) == 1:
        return matches.pop()
    return text if is_time_zone(text) else None  # "UTC", or a legacy name such as "GB"
