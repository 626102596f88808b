"""Build treaties/data/reference.json from the record as it stands and the researched facts in scripts/facts/.

Run by a developer when the facts change (`python scripts/build_reference_data.py`); the app only reads
treaties/data/reference.json. It reads nothing outside the repository.

For a treaty the record already holds, what editors curated stays (names, aliases, provisions, the events'
own keys and words), and the research brings better sources: an event the research dates the same way takes
the research's source; an event whose only source is denied (treaties.sources) is dropped; the research's
own events, parties' dates and deadlines are added. A treaty the record lacks is taken from the research.
The research's confidence and unverified points go to editors' notes, never to readers.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from treaties.precision import PreciseDate  # noqa: E402
from treaties.sources import host, is_denied  # noqa: E402

FACTS = ROOT / "scripts" / "facts"
TARGET = ROOT / "treaties" / "data" / "reference.json"

# The research's slug for a treaty the record already has under another one.
SLUGS = {"abm-treaty": "abm", "cfe-treaty": "cfe", "inf-treaty": "inf", "outer-space-treaty": "outer-space",
         "sort-moscow-treaty": "sort"}
# The record's names for parties the research names otherwise (matched by slug, then by ISO code).
ISO_ALIASES = {"SU": "SUHH"}

# Sources the record cited before the research, by host: what kind of source each is.
KIND_BY_HOST = {
    "state.gov": "official", "history.state.gov": "official", "kremlin.ru": "official", "en.kremlin.ru": "official",
    "mid.ru": "official", "acq.osd.mil": "official", "eeas.europa.eu": "official", "um.fi": "official",
    "treaties.un.org": "depositary", "un.org": "intergovernmental", "press.un.org": "intergovernmental",
    "news.un.org": "intergovernmental", "osce.org": "intergovernmental", "opcw.org": "intergovernmental",
    "meetings.unoda.org": "intergovernmental", "unfccc.int": "intergovernmental", "iaea.org": "intergovernmental",
    "armscontrol.org": "expert", "fas.org": "expert", "nti.org": "expert", "cfr.org": "expert",
    "russianforces.org": "expert", "asil.org": "expert", "ejiltalk.org": "expert", "acronym.org.uk": "expert",
    "missilethreat.csis.org": "expert", "icanw.org": "expert", "iisd.ca": "expert", "sipri.org": "expert",
    "britannica.com": "expert", "volterrafietta.com": "expert", "eng.globalaffairs.ru": "expert",
    "cvce.eu": "expert", "webintra.cvce.eu": "expert", "archive.pnnd.org": "expert", "nwp.ilpi.org": "expert",
}
_YEARS = re.compile(r"(\d+)[- ]year")

# Editors' corrections to the research, each with its reason: a part of a treaty that ended is not the treaty
# ending ("expired" would end it in the record), and a term that renews itself derives no expiry.
KIND_CORRECTIONS = {  # (slug, kind, date) -> kind
    ("kyoto-protocol", "expired", "2020-12-31"): "other",  # the second commitment period ended; the Protocol stands
    ("eu-uk-tca", "expired", "2026-06-30"): "other",  # the fisheries adjustment period ended
    ("columbia-river-treaty", "expired", "2024-09-16"): "other",  # pre-planned flood-control operations ended
    ("eu-uk-tca", "expiry", "2038-06-30"): "extension_decision",  # fishing access, not the agreement
    ("us-mexico-water-treaty-1944", "expiry", "2026-12-31"): "extension_decision",  # Minute 323, not the treaty
    ("us-canada-123", "expiry", "2030-01-01"): "extension_decision",  # rolling five-year extensions follow
    ("us-australia-123", "expiry", "2040-12-22"): "extension_decision",  # rolling five-year extensions follow
}
EVENT_KEYS = ["key", "kind", "date", "precision", "description", "source_url", "source_publisher", "source_kind",
              "parties", "extension_years", "date_note", "editor_note"]
DEADLINE_KEYS = [k for k in EVENT_KEYS if k != "extension_years"]
# Names people use in the news that neither the record nor the research had (the feeds link by names).
COMMON_NAMES = {
    "ctbt": ["Nuclear Test Ban Treaty", "Nuclear Test-Ban Treaty", "test ban treaty"],
    "paris-agreement": ["Paris Climate Accord", "Paris climate agreement", "Paris climate change agreement",
                        "Paris accord"],
    "jcpoa": ["Iran nuclear deal", "Iran nuclear agreement"],
    "ottawa-convention": ["landmines treaty", "landmine treaty", "Mine Ban Treaty"],
    "ccm": ["cluster bomb treaty", "cluster munitions treaty"],
    "tpnw": ["nuclear ban treaty"],
    "usmca": ["USMCA", "CUSMA", "T-MEC"],
    "who-pandemic-agreement": ["Pandemic Agreement"],
}
# Disputes about a treaty's standing today, whose status then reads "(contested)": (slug, how `about` begins).
# (Russia's 2023 suspension of New START was contested too, but since the expiry it no longer bears on it.)
STANDING_DISPUTES = {("jcpoa", "Whether the E3 snapback"), ("ottawa-convention", "Legality of Ukraine"),
                     ("indus-waters-treaty", "Whether India may lawfully")}
# USMCA: the 1 July 2026 review confirmed no new term, so Article 34.7's reviews are now annual (the research's
# 2027 review stands) and the six-year cycle no longer applies.
NO_REVIEW_CYCLE = {"usmca"}
# In force for successive periods unless a party ends it; or (the JCPOA) ended by an event the record has.
NO_TERM = {"ttbt", "pnet", "us-euratom-123", "jcpoa"}


# Curation notes that once reached readers ("NOT verified in any stored source", "per a Wikipedia mirror"):
# they are for editors, so they move to the editor's note.
_PRIVATE = re.compile(r"wikipedia|stored source|NOT verified|gettysburg connection", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.;])\s+")
_ASIDE = re.compile(r"\s*\([^()]*\)")


def scrubbed(text: str) -> tuple[str, str]:
    """(what readers may read, what only editors should) of a public text."""
    private = [m.group(0).strip() for m in _ASIDE.finditer(text) if _PRIVATE.search(m.group(0))]
    for aside in private:
        text = text.replace(aside, "").replace(" .", ".")
    sentences = _SENTENCE.split(text.strip()) if text.strip() else []
    private += [s for s in sentences if _PRIVATE.search(s)]
    public = " ".join(s for s in sentences if not _PRIVATE.search(s))
    return public, " ".join(private)


def joined_notes(*notes: str) -> str:
    """Editors' notes, one per line, each once: rebuilding adds nothing it added before."""
    return "\n".join(dict.fromkeys(line for note in notes for line in note.splitlines() if line.strip()))


def source_kind(url: str) -> str:
    name = host(url)
    return KIND_BY_HOST.get(name) or next((k for h, k in KIND_BY_HOST.items() if name.endswith("." + h)), "press")


def day_and_precision(text: str, precision: str) -> tuple[str, str]:
    when = PreciseDate.parse(text, precision)
    return when.value.isoformat(), str(when.precision)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Parties:
    """The record's parties, and the research's names for them."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self.by_slug = {row["slug"]: row for row in rows}
        self.by_iso = {row["iso_code"]: row for row in rows if row["iso_code"]}
        self.names: dict[str, str] = {row["name"]: row["name"] for row in rows}

    def learn(self, row: dict) -> None:
        iso = ISO_ALIASES.get(row.get("iso_code") or "", row.get("iso_code") or "")
        known = self.by_slug.get(row["slug"]) or (self.by_iso.get(iso) if iso else None)
        if known is None:
            known = {"name": row["name"], "short_name": row.get("short_name") or row["name"], "slug": row["slug"],
                     "iso_code": iso, "is_organisation": bool(row.get("is_organisation"))}
            self.rows.append(known)
            self.by_slug[known["slug"]] = known
            if iso:
                self.by_iso[iso] = known
        self.names[row["name"]] = known["name"]
        self.names.setdefault(row.get("short_name") or row["name"], known["name"])

    def name(self, text: str) -> str:
        if text not in self.names:
            # A party the research names only in passing: made known under its own name.
            self.learn({"name": text, "short_name": text, "slug": slugify(text), "iso_code": ""})
        return self.names[text]


def sourced(fact: dict) -> dict:
    source = fact.get("source") or {}
    return {"source_url": source.get("url", ""), "source_publisher": source.get("publisher", ""),
            "source_kind": source.get("kind", "")}


def editor_note(fact: dict) -> str:
    confidence = fact.get("confidence") or "high"
    return "" if confidence == "high" else f"Research confidence: {confidence}."


def corrected_kind(slug: str, fact: dict) -> str:
    date, _ = day_and_precision(fact["date"], fact["precision"])
    return KIND_CORRECTIONS.get((slug, fact["kind"], date), fact["kind"])


def event_row(fact: dict, parties: Parties, key: str) -> dict:
    date, precision = day_and_precision(fact["date"], fact["precision"])
    return {"key": key, "kind": fact["kind"], "date": date, "precision": precision,
            "description": fact["description"], **sourced(fact), "parties": [parties.name(p) for p in fact["parties"]],
            "extension_years": None, "date_note": fact.get("date_note", ""), "editor_note": editor_note(fact)}


PARTICIPATION = [  # participation field -> event kind and what it says
    ("signed", "signed", "signed"), ("consent", "ratified", "deposited its instrument ({kind})"),
    ("effective", "joined", "bound from this day"), ("suspended", "suspended", "suspended its participation"),
    ("resumed", "resumed", "resumed its participation"),
    ("withdrawal_notified", "withdrawal_notice", "gave notice of withdrawal"),
    ("withdrawal_effective", "withdrawn", "withdrawal took effect"),
]


def participation_events(treaty: dict, parties: Parties, entry_into_force: str | None) -> list[dict]:
    facts = []
    for row in treaty.get("participation", []):
        party = parties.name(row["party"])
        for field, kind, words in PARTICIPATION:
            if not row.get(field):
                continue
            if kind == "joined" and (not entry_into_force or row[field] <= entry_into_force
                                     or row[field] == row.get("consent")):
                continue  # bound when the treaty entered into force, or on deposit: nothing to add
            facts.append({"kind": kind, "date": row[field], "precision": "day", "parties": [party], "party_row": True,
                          "description": f"{party}: " + words.format(kind=row.get("consent_kind") or "consent"),
                          "source": row["source"], "confidence": row.get("confidence", "high")})
    return facts


def unique_key(kind: str, date: str, parties: list[str], taken: set[str]) -> str:
    key = f"{kind.replace('_', '-')}-{date}"
    if key in taken and parties:
        key = f"{key}-{slugify(parties[0])}"
    base, n = key, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def merge_events(old: list[dict], facts: list[dict], parties: Parties, counts: Counter) -> list[dict]:
    """The record's events with the research's sources where both date the same thing, and the research's new
    events; an event whose only source is denied is dropped."""
    events, taken, used = [], set(), set()
    # An extension's years drive the derived expiry; where the research does not give them, the fact is kept
    # as a decision rather than read as an extension without end.
    facts = [{**f, "kind": "decision"} if f["kind"] == "extended" and not _YEARS.search(f["description"]) else f
             for f in facts]
    for event in old:
        match = next((i for i, f in enumerate(facts) if i not in used and f["kind"] == event["kind"]
                      and day_and_precision(f["date"], f["precision"]) == (event["date"], event["precision"])
                      and (not event["parties"] or {parties.name(p) for p in f["parties"]} == set(event["parties"]))
                      and not is_denied((f.get("source") or {}).get("url", ""))), None)
        if match is not None:
            used.add(match)
            named = [parties.name(p) for p in facts[match]["parties"]]
            event = {**event, **sourced(facts[match]), "parties": event["parties"] or named,
                     "editor_note": joined_notes(event.get("editor_note", ""), editor_note(facts[match]))}
            counts["events sourced anew"] += 1
        elif is_denied(event["source_url"]):
            counts["events dropped (denied source)"] += 1
            continue
        else:
            event = {"source_publisher": host(event["source_url"]), "source_kind": source_kind(event["source_url"]),
                     "editor_note": "", **event}
        taken.add(event["key"])
        events.append(event)
    for i, fact in enumerate(facts):
        if i in used or is_denied((fact.get("source") or {}).get("url", "")):
            continue
        date, precision = day_and_precision(fact["date"], fact["precision"])
        named = [parties.name(p) for p in fact["parties"]]
        if any(e["kind"] == fact["kind"] and e["date"] == date
               and (fact.get("party_row") or set(e["parties"]) >= set(named)) for e in events):
            # The same thing, already recorded: a party's date that the treaty's own event gives (a successor
            # state listed with its predecessor's signature adds nothing but confusion).
            continue
        row = event_row(fact, parties, unique_key(fact["kind"], date, named, taken))
        if row["kind"] == "extended":
            row["extension_years"] = int(_YEARS.search(fact["description"]).group(1))
        events.append(row)
        counts["events added"] += 1
    return sorted(events, key=lambda e: (e["date"], e["key"]))


def deadline_rows(slug: str, treaty: dict, parties: Parties, taken: set[str], notice: bool) -> list[dict]:
    # Where the treaty's notice period is known, the rules derive when a withdrawal takes effect.
    derived_here = {("withdrawal_effective", slug)} if notice else set()
    rows = []
    for fact in ({**f, "kind": corrected_kind(slug, f)} for f in treaty.get("deadlines", [])):
        if is_denied((fact.get("source") or {}).get("url", "")) or (fact["kind"], slug) in derived_here:
            continue
        date, precision = day_and_precision(fact["date"], fact["precision"])
        named = [parties.name(p) for p in fact.get("parties", [])]
        rows.append({"key": unique_key(fact["kind"], date, named, taken), "kind": fact["kind"], "date": date,
                     "precision": precision, "description": fact["description"], **sourced(fact),
                     "parties": named, "date_note": fact.get("date_note", ""), "editor_note": editor_note(fact)})
    return rows


def disputes(slug: str, fact: dict, parties: Parties) -> list[dict]:
    rows = []
    for dispute in fact.get("contested", []):
        positions = [
            {"held_by": ", ".join(parties.name(p) for p in position["held_by"])[:300],
             "position": position["position"], **{k: v for k, v in sourced(position).items()}}
            for position in dispute["positions"] if not is_denied((position.get("source") or {}).get("url", ""))
        ]
        if len(positions) >= 2:  # a dispute is two sides, each sourced
            rows.append({"about": dispute["about"][:300], "positions": positions,
                         "affects_status": any(slug == s and dispute["about"].startswith(about)
                                               for s, about in STANDING_DISPUTES)})
    return rows


def checked_against(events: list[dict], deadlines: list[dict]) -> str:
    order = ["treaty_text", "depositary", "official", "intergovernmental", "expert", "press"]
    publishers: dict[str, str] = {}
    for fact in events + deadlines:
        if fact.get("source_publisher"):
            publishers.setdefault(fact["source_publisher"], fact.get("source_kind") or "press")
    best = sorted(publishers, key=lambda p: order.index(publishers[p]) if publishers[p] in order else 9)[:4]
    return ("Checked against " + ", ".join(best) + ".") if best else ""


def new_treaty(fact: dict, parties: Parties) -> dict:
    provisions = fact.get("provisions") or {}
    has_typed_expiry = any(corrected_kind(fact["slug"], d) == "expiry" for d in fact.get("deadlines", []))
    source = (provisions.get("source") or {}).get("url", "")
    members = [parties.name(p["party"]) for p in fact.get("participation", [])] if fact["kind"] == "bilateral" else []
    return {
        "slug": fact["slug"], "short_name": fact["short_name"], "name": fact["name"],
        "category": fact["category"], "subject": "", "kind": fact["kind"], "parties": members,
        "parties_note": f"Depositary: {fact['depositary']}." if fact.get("depositary") else "",
        "summary": fact["summary"], "aliases": fact.get("aliases", []),
        "provisions": {
            # A typed expiry is sourced as such; a term would derive a second one.
            "term_years": None if has_typed_expiry else provisions.get("term_years"),
            "lapses_at_term_end": True, "extension_times": None, "extension_max_years": None,
            "withdrawal_notice_months": provisions.get("withdrawal_notice_months"),
            "withdrawal_notice_days": None if provisions.get("withdrawal_notice_months")
            else provisions.get("withdrawal_notice_days"),
            "consent_effect_days": provisions.get("consent_takes_effect_days"),
            "review_every_years": provisions.get("review_every_years"),
            "duration_text": provisions.get("text", ""), "extension_text": "", "withdrawal_text": "",
            "sources": [source] if source and not is_denied(source) else [],
        },
        "events": [],
    }


def build() -> dict:
    record = json.loads(TARGET.read_text(encoding="utf-8"))
    parties = Parties(record["parties"])
    treaties = {t["slug"]: t for t in record["treaties"]}
    statements = {s["url"]: s for s in record["statements"]}
    counts: Counter = Counter()
    seen: set[str] = set()
    files = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(FACTS.glob("*.json"))]
    # Files of whole treaties first; then files that only add facts to treaties named there (no "kind").
    for research in sorted(files, key=lambda f: not all("kind" in t for t in f["treaties"])):
        for row in research.get("parties", []):
            parties.learn(row)
        for fact in research["treaties"]:
            slug = SLUGS.get(fact["slug"], fact["slug"])
            treaty = treaties.get(slug)
            if treaty is None:
                treaty = treaties[slug] = new_treaty({**fact, "slug": slug}, parties)
                counts["treaties added"] += 1
            else:
                treaty["summary"] = fact.get("summary") or treaty["summary"]
                treaty["provisions"].setdefault("consent_effect_days", None)
                provisions = fact.get("provisions") or {}
                treaty["provisions"]["review_every_years"] = (provisions.get("review_every_years")
                                                              or treaty["provisions"].get("review_every_years"))
                if provisions.get("consent_takes_effect_days"):
                    treaty["provisions"]["consent_effect_days"] = provisions["consent_takes_effect_days"]
                treaty["provisions"]["sources"] = [u for u in treaty["provisions"]["sources"] if not is_denied(u)]
                source = (provisions.get("source") or {}).get("url", "")
                if source and not is_denied(source) and source not in treaty["provisions"]["sources"]:
                    treaty["provisions"]["sources"].insert(0, source)
                known = {a["name"] for a in treaty["aliases"]}
                treaty["aliases"] += [a for a in fact.get("aliases", []) if a["name"] not in known]
                counts["treaties sourced anew"] += 1
            facts = [{**f, "kind": corrected_kind(slug, f)} for f in fact["events"]]
            entry = next((e["date"] for e in facts if e["kind"] == "entered_into_force"), None)
            facts += participation_events(fact, parties, entry)
            treaty["events"] = merge_events(treaty["events"], facts, parties, counts)
            # Typed deadlines come from the research alone: the first file that names a treaty replaces the
            # record's, later files add theirs.
            kept = treaty.get("deadlines", []) if slug in seen else []
            notice = bool(treaty["provisions"].get("withdrawal_notice_months")
                          or treaty["provisions"].get("withdrawal_notice_days"))
            treaty["deadlines"] = kept + deadline_rows(slug, fact, parties, {d["key"] for d in kept}, notice)
            if slug in NO_TERM:
                treaty["provisions"]["term_years"] = None
            if slug in NO_REVIEW_CYCLE:
                treaty["provisions"]["review_every_years"] = None
            if "contested" in fact:
                treaty["disputes"] = disputes(slug, fact, parties)
            treaty["checked_on"] = research["checked_on"]
            treaty["checked_against"] = checked_against(treaty["events"], treaty["deadlines"])
            treaty["editor_note"] = joined_notes(treaty.get("editor_note", ""), fact.get("editor_note", ""))
            seen.add(slug)
            counts["deadlines"] += len(treaty["deadlines"])
        for fact in research["statements"]:
            slugs = [SLUGS.get(s, s) for s in fact["treaties"] if SLUGS.get(s, s) in treaties]
            if is_denied(fact["url"]) or not slugs or not fact.get("quote_checked"):
                counts["statements left out"] += 1
                continue
            if fact["url"] in statements:  # recorded already: what editors wrote stands; the voice is added
                statements[fact["url"]]["voice"] = statements[fact["url"]].get("voice") or fact.get("voice", "")
                continue
            date, precision = day_and_precision(fact["date"], fact["precision"])
            statements[fact["url"]] = {
                "title": fact["title"], "outlet": fact["outlet"], "url": fact["url"], "date": date,
                "precision": precision, "date_note": fact.get("date_note", ""), "speaker": fact.get("speaker", ""),
                "speaker_role": fact.get("speaker_role", ""), "voice": fact.get("voice", ""),
                "quote": fact["quote"], "language": fact.get("language", "en"), "treaties": slugs,
            }
    for slug, names in COMMON_NAMES.items():
        known = {alias["name"].casefold() for alias in treaties[slug]["aliases"]}
        treaties[slug]["aliases"] += [{"name": n, "language": "en"} for n in names if n.casefold() not in known]
    for treaty in treaties.values():
        for name in ("checked_on", "checked_against", "editor_note"):
            treaty.setdefault(name, None if name == "checked_on" else "")
        notes = [treaty["editor_note"]]
        for holder, name in [(treaty["provisions"], "duration_text"), (treaty["provisions"], "extension_text"),
                             (treaty["provisions"], "withdrawal_text"), (treaty, "parties_note")]:
            holder[name], private = scrubbed(holder[name])
            notes.append(private)
        treaty["editor_note"] = joined_notes(*notes)
        treaty.setdefault("deadlines", [])
        treaty.setdefault("disputes", [])
        treaty["provisions"].setdefault("review_every_years", None)
        for deadline in treaty["deadlines"]:
            notes = [deadline["editor_note"]]
            for name in ("description", "date_note"):
                deadline[name], private = scrubbed(deadline[name])
                notes.append(private)
            deadline["editor_note"] = joined_notes(*notes)
        for event in treaty["events"]:
            event.setdefault("source_publisher", host(event["source_url"]))
            event.setdefault("source_kind", source_kind(event["source_url"]))
            event.setdefault("editor_note", "")
            notes = [event["editor_note"]]
            for name in ("description", "date_note"):
                event[name], private = scrubbed(event[name])
                notes.append(private)
            event["editor_note"] = joined_notes(*notes)
        # One order of keys, so that a rebuild with nothing new writes the same file.
        treaty["events"] = [{k: e[k] for k in EVENT_KEYS} for e in treaty["events"]]
        treaty["deadlines"] = [{k: d[k] for k in DEADLINE_KEYS} for d in treaty["deadlines"]]
    for statement in statements.values():
        statement.setdefault("voice", "russian_official" if statement["outlet"] == "TASS" else "")
    record.update(as_of=max(t["checked_on"] or "" for t in treaties.values()) or record["as_of"],
                  parties=parties.rows, treaties=list(treaties.values()), statements=list(statements.values()))
    print(dict(sorted(counts.items())), file=sys.stderr)
    return record


if __name__ == "__main__":
    TARGET.write_text(json.dumps(build(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}", file=sys.stderr)
