"""Build treaties/data/reference.json from the checked facts in ../shared.

Run by a developer when the checked facts change; the app itself only reads
treaties/data/reference.json. What this adds to the facts, it adds by hand
below: slugs, broad categories, ISO codes, who acted in each event, how many
years an extension added, and the notes where sources disagree.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "reference_treaties.json"
TARGET = ROOT / "treaties" / "data" / "reference.json"

PARTIES = [
    # name, short name, slug, ISO 3166 code, organisation?
    ("United States", "United States", "united-states", "US", False),
    ("Russian Federation", "Russia", "russia", "RU", False),
    ("Soviet Union", "Soviet Union", "soviet-union", "SUHH", False),
    ("Iran", "Iran", "iran", "IR", False),
    ("China", "China", "china", "CN", False),
    ("France", "France", "france", "FR", False),
    ("Germany", "Germany", "germany", "DE", False),
    ("United Kingdom", "United Kingdom", "united-kingdom", "GB", False),
    ("European Union", "EU", "european-union", "EU", True),
    ("North Korea", "North Korea", "north-korea", "KP", False),
    ("Estonia", "Estonia", "estonia", "EE", False),
    ("Latvia", "Latvia", "latvia", "LV", False),
    ("Lithuania", "Lithuania", "lithuania", "LT", False),
    ("Poland", "Poland", "poland", "PL", False),
]

# How the reference names a party -> (party, what else it says about it).
PARTY_NAMES = {
    "United States": ("United States", ""),
    "United States (withdrew 2018)": ("United States", "The United States withdrew in 2018."),
    "Russian Federation": ("Russian Federation", ""),
    "Soviet Union (obligations taken on by the Russian Federation; "
    "Belarus, Kazakhstan and Ukraine also participated)": (
        "Soviet Union",
        "Obligations taken on by the Russian Federation; Belarus, Kazakhstan and Ukraine also participated.",
    ),
    "Soviet Union (Russian Federation after 1991)": ("Soviet Union", "The Russian Federation after 1991."),
    "Soviet Union (successor states after 1991)": ("Soviet Union", "Its successor states after 1991."),
    "Iran": ("Iran", ""),
    "China": ("China", ""),
    "France": ("France", ""),
    "Germany": ("Germany", ""),
    "United Kingdom": ("United Kingdom", ""),
    "European Union": ("European Union", ""),
}

CATEGORIES = [
    ("humanitarian", "humanitarian"),
    ("space", "space"),
    ("disarmament", "disarmament"),
    ("arms control", "arms_control"),
    ("nonproliferation", "nonproliferation"),
    ("environment", "environment"),
]

US, RU = "United States", "Russian Federation"
BALTICS = ("Estonia", "Latvia", "Lithuania")

# (short name, date, kind) -> acting parties; a treaty-wide act has none.
ACTORS = {
    ("New START", "2021-01-29", "ratified"): (RU,),
    ("New START", "2023-02-21", "suspended"): (RU,),
    ("New START", "2023-02-28", "other"): (RU,),
    ("New START", "2023-03-15", "other"): (US,),
    ("New START", "2023-06-01", "other"): (US,),
    ("New START", "2025-09-22", "other"): (RU,),
    ("New START", "2026-02-04", "other"): (RU,),
    ("New START", "2026-02-11", "other"): (RU,),
    ("ABM Treaty", "1972-08-03", "ratified"): (US,),
    ("ABM Treaty", "2001-12-13", "withdrawal_notice"): (US,),
    ("ABM Treaty", "2002-06-13", "withdrawn"): (US,),
    ("Open Skies Treaty", "2020-05-22", "withdrawal_notice"): (US,),
    ("Open Skies Treaty", "2020-11-22", "withdrawn"): (US,),
    ("Open Skies Treaty", "2021-01-15", "other"): (RU,),
    ("Open Skies Treaty", "2021-05-27", "other"): (US,),
    ("Open Skies Treaty", "2021-06-07", "other"): (RU,),
    ("Open Skies Treaty", "2021-12-01", "withdrawn"): (RU,),
    ("CFE Treaty", "2007-07-13", "suspended"): (RU,),
    ("CFE Treaty", "2015-03-11", "other"): (RU,),
    ("CFE Treaty", "2023-05-29", "other"): (RU,),
    ("CFE Treaty", "2023-11-07", "withdrawn"): (RU,),
    ("CFE Treaty", "2023-12-07", "suspended"): (US,),
    ("CTBT", "2000-05-27", "ratified"): (RU,),
    ("CTBT", "2023-11-02", "other"): (RU,),
    ("NPT", "2003-01-10", "other"): ("North Korea",),
    ("START II", "1996-01-26", "ratified"): (US,),
    ("START II", "2000-04-14", "ratified"): (RU,),
    ("START II", "2002-06-14", "withdrawn"): (RU,),
    ("SORT", "2003-03-06", "ratified"): (US,),
    ("JCPOA", "2018-05-08", "withdrawn"): (US,),
    ("JCPOA", "2025-08-28", "other"): ("France", "Germany", "United Kingdom"),
    ("Paris Agreement", "2016-09-03", "ratified"): (US,),
    ("Paris Agreement", "2019-11-04", "withdrawal_notice"): (US,),
    ("Paris Agreement", "2020-11-04", "withdrawn"): (US,),
    ("Paris Agreement", "2021-01-20", "ratified"): (US,),
    ("Paris Agreement", "2021-02-19", "other"): (US,),
    ("Paris Agreement", "2025-01-27", "withdrawal_notice"): (US,),
    ("Paris Agreement", "2026-01-27", "withdrawn"): (US,),
    ("Ottawa Convention", "2025-03-18", "other"): (*BALTICS, "Poland"),
    ("Ottawa Convention", "2025-06-27", "withdrawal_notice"): BALTICS,
    ("Ottawa Convention", "2025-12-27", "withdrawn"): BALTICS,
    ("UNFCCC", "1992-10-01", "ratified"): (US,),
    ("UNFCCC", "2026-01-07", "other"): (US,),
}
# Two suspensions of the INF Treaty fall on one day; they are told apart by order.
INF_SUSPENSIONS = (US, RU)
ACTORS_BY_ORDER = {
    ("INF Treaty", "2019-02-02", "withdrawal_notice"): (US,),
    ("INF Treaty", "2019-08-02", "withdrawn"): (US,),
}

EXTENSION_YEARS = {("New START", "2021-02-03"): 5, ("NPT", "1995-05-11"): None}

# Where the reference records a disagreement between sources, the note keeps it.
DATE_NOTES = {
    ("New START", "2026-02-05", "expired"): "Russian outlets describe 4 February 2026 as the last day of validity.",
    ("CFE Treaty", "1992-11-09", "entered_into_force"): "An older Wikipedia mirror gives 17 July 1992, "
    "the start of provisional application.",
    ("Ottawa Convention", "1997-09-18", "other"): "The source calls this 'signed'.",
    ("Open Skies Treaty", "2021-12-01", "withdrawn"): "The exact day was not verified.",
    ("JCPOA", "2025-10-18", "terminated"): "Contested: the E3 and the United States treat pre-2015 UN "
    "sanctions as re-applied through snapback from 27/28 September 2025.",
    ("UNFCCC", "1992-10-01", "ratified"): "Only the month is known.",
}

# A fact the reference lacks, from a public source, so the UNFCCC's status is not misread.
ADDED_EVENTS = {
    "UNFCCC": [
        {
            "kind": "entered_into_force",
            "date": "1994-03-21",
            "precision": "day",
            "description": "Entered into force, 90 days after the 50th ratification "
            "(Earth Negotiations Bulletin, IISD). Not in the checked reference set.",
            "source_url": "http://www.iisd.ca/vol12/1212003e.html",
        }
    ]
}

# The lapse at the end of the NPT's 25 years was a decision, not an expiry (Article X(2)).
LAPSES_AT_TERM_END = {"NPT": False}

# SORT's sources disagree on the notice period (three months vs 90 days); the months are kept.
NOTICE_DAYS_DROPPED = {"SORT"}

STATEMENTS = [
    {
        "title": "New START’s expiration may create vacuum in terms of maintaining stability — Russian envoy",
        "outlet": "TASS",
        "url": "https://tass.com/politics/1608067",
        "date": "2023-04-22",
        "precision": "day",
        "date_note": "The page shows no year; 2023 follows from TASS's article numbering and the interview's content.",
        "speaker": "Grigory Mashkov",
        "speaker_role": "Ambassador-at-Large, Russian Foreign Ministry",
        "quote": "It’s quite possible that after New START expires in February 2026, a vacuum will be created "
        "in the field of international legal tools to maintain strategic stability in the long term.",
        "language": "en",
        "treaties": ["new-start"],
    },
    {
        "title": "Vacuum forms after New START Treaty’s expiration, Russia ready for any scenario — Lavrov",
        "outlet": "TASS",
        "url": "https://tass.com/politics/2083049",
        "date": "2026-02-06",
        "precision": "day",
        "date_note": "",
        "speaker": "Sergey Lavrov",
        "speaker_role": "Foreign Minister of Russia",
        "quote": "As you may well know, the Strategic Offensive Arms Treaty expired yesterday, "
        "and such a vacuum has formed.",
        "language": "en",
        "treaties": ["new-start"],
    },
    {
        "title": "Kremlin warns US refusal to extend New START would leave a gap in strategic stability",
        "outlet": "TASS",
        "url": "https://tass.com/politics/2078483",
        "date": "2026-01-29",
        "precision": "day",
        "date_note": "",
        "speaker": "Dmitry Peskov",
        "speaker_role": "Kremlin Spokesman",
        "quote": "This will be a serious deficit, which is unlikely to meet the interests of the peoples of our "
        "two countries, as well as the entire globe, because we are talking about overall strategic stability.",
        "language": "en",
        "treaties": ["new-start"],
    },
]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def language_of(alias: str) -> str:
    if re.search(r"[\u0400-\u04ff]", alias):
        return "ru"
    if re.search(r"[\u0600-\u06ff]", alias):
        return "fa"
    if alias.startswith("Accord de"):
        return "fr"
    return "en"


def build(reference: dict) -> dict:
    treaties = []
    for ref in reference["treaties"]:
        short = ref["short_name"]
        named = [PARTY_NAMES[p] for p in ref["parties"] if p in PARTY_NAMES]
        notes = [p for p in ref["parties"] if p not in PARTY_NAMES and p != "multilateral"]
        notes += [note for _, note in named if note]
        provisions = ref["provisions"]
        inf_suspensions = iter(INF_SUSPENSIONS)
        events, seen = [], Counter()
        for event in ref["events"] + ADDED_EVENTS.get(short, []):
            key = (short, event["date"], event["kind"])
            if short == "INF Treaty" and event["kind"] == "suspended":
                parties = (next(inf_suspensions),)
            else:
                parties = ACTORS.get(key) or ACTORS_BY_ORDER.get(key, ())
            seen[key] += 1
            events.append(
                {
                    "key": f"{event['kind'].replace('_', '-')}-{event['date']}"
                    + (f"-{seen[key]}" if seen[key] > 1 else ""),
                    **event,
                    "parties": list(parties),
                    "extension_years": EXTENSION_YEARS.get((short, event["date"])),
                    "date_note": DATE_NOTES.get(key, ""),
                }
            )
        treaties.append(
            {
                "slug": slugify(short.removesuffix(" Treaty")) if short != "Open Skies Treaty" else "open-skies",
                "short_name": short,
                "name": ref["name"],
                "category": next(code for word, code in CATEGORIES if word in ref["category"]),
                "subject": ref["category"],
                "kind": ref["kind"],
                "parties": [name for name, _ in named],
                "parties_note": " ".join(notes),
                "summary": ref["summary"],
                "aliases": [{"name": a, "language": language_of(a)} for a in ref["aliases"]],
                "provisions": {
                    "term_years": provisions["term_years"],
                    "lapses_at_term_end": LAPSES_AT_TERM_END.get(short, True),
                    "extension_times": provisions["extension_times"],
                    "extension_max_years": provisions["extension_max_years"],
                    "withdrawal_notice_months": provisions["withdrawal_notice_months"],
                    "withdrawal_notice_days": None
                    if short in NOTICE_DAYS_DROPPED
                    else provisions["withdrawal_notice_days"],
                    "duration_text": provisions["duration"] or "",
                    "extension_text": provisions["extension"] or "",
                    "withdrawal_text": provisions["withdrawal_notice"] or "",
                    "sources": provisions["provision_sources"],
                },
                "events": events,
            }
        )
    return {
        "as_of": reference["as_of"],
        "parties": [
            {"name": n, "short_name": s, "slug": slug, "iso_code": code, "is_organisation": org}
            for n, s, slug, code, org in PARTIES
        ],
        "treaties": treaties,
        "statements": STATEMENTS,
    }


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    dataset = build(json.loads(source.read_text(encoding="utf-8")))
    TARGET.write_text(json.dumps(dataset, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(dataset['treaties'])} treaties, "
          f"{sum(len(t['events']) for t in dataset['treaties'])} events, {len(dataset['statements'])} statements")
