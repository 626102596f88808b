"""Dates a text gives near a treaty's name: "expires in February 2026", "on 5 February 2026", "until 2031".

Pure: it takes a text and where treaty names occur in it (`TreatyMatcher.occurrences`) and returns
suggestions for an editor to turn into deadlines. A date belongs to the nearest name in its sentence that
names one treaty only; a date before the day the words were said is history, not a deadline, and is left out.
English and Russian ("5 февраля 2026 года", "в феврале 2026 года", "до 2031 года").
"""

import datetime as dt
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from treaties.mentions import Occurrence
from treaties.models import DeadlineKind
from treaties.precision import PreciseDate, Precision

_MONTHS = {
    1: r"jan(?:uary)?|январ[ьяе]",
    2: r"feb(?:ruary)?|феврал[ьяе]",
    3: r"mar(?:ch)?|март[ае]?",
    4: r"apr(?:il)?|апрел[ьяе]",
    5: r"may|ма[йяе]",
    6: r"june?|июн[ьяе]",
    7: r"july?|июл[ьяе]",
    8: r"aug(?:ust)?|август[ае]?",
    9: r"sep(?:t|tember)?|сентябр[ьяе]",
    10: r"oct(?:ober)?|октябр[ьяе]",
    11: r"nov(?:ember)?|ноябр[ьяе]",
    12: r"dec(?:ember)?|декабр[ьяе]",
}
_MONTH = "|".join(f"(?:{pattern})" for pattern in _MONTHS.values())
_MONTH_NUMBER = [(re.compile(f"^(?:{pattern})$", re.IGNORECASE), number) for number, pattern in _MONTHS.items()]
_PREPOSITIONS = r"on|in|until|till|through|by|before|after|from|to|до|в|к|по|с|на|после"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"(?<!\w)(?:(?P<prep>{_PREPOSITIONS})\s+)?(?:"
    rf"(?P<day1>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month1>{_MONTH})\.?,?\s+(?P<year1>\d{{4}})"
    rf"|(?P<month2>{_MONTH})\.?\s+(?P<day2>\d{{1,2}}){_ORDINAL},?\s+(?P<year2>\d{{4}})"
    rf"|(?P<month3>{_MONTH})\.?,?\s+(?:of\s+)?(?P<year3>\d{{4}})"
    r"|(?P<year4>(?:19|20)\d{2})"
    r")(?!\w)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\d{4}")
# A sentence ends at . ! ? … before a capital letter ("Feb. 5" goes on), or at a blank line.
_SENTENCE_END = re.compile(r"[.!?…]+[\"”»’)]*\s+(?=[\"“«(]?[A-ZА-ЯЁ])|\n\s*\n")
_LONGEST_PHRASE = 200
_LEAD_IN = 40  # characters before the name that may still say what the date is

# The first kind whose words appear between the name and the date is the deadline's kind.
_KINDS = [
    (DeadlineKind.WITHDRAWAL_EFFECTIVE, r"withdraw|выход"),
    (DeadlineKind.REVIEW_CONFERENCE, r"review\s+conference|обзорн"),
    (DeadlineKind.REPORT_DUE, r"report|доклад|отч[её]т"),
    (DeadlineKind.EXPIRY, r"expir|laps|runs?\s+out|ends?(?!\w)|end\s+of|until|till|through|valid|extend"
                          r"|истека|истечени|ист[её]к|продл|действ|до(?!\w)"),
]
_KIND_WORDS = [(kind, re.compile(rf"(?<!\w)(?:{words})", re.IGNORECASE)) for kind, words in _KINDS]


@dataclass(frozen=True)
class DateMentioned:
    treaty: Hashable
    when: PreciseDate
    kind: DeadlineKind
    phrase: str  # the words from the treaty's name to the date, as written


def dates_mentioned(
    text: str, occurrences: Iterable[Occurrence], *, said_on: dt.date | None = None
) -> list[DateMentioned]:
    """The dates `text` gives for the treaties it names, in order, each (treaty, date) once."""
    names = [o for o in occurrences if not o.ambiguous]
    if not names or not _YEAR.search(text):  # every date written here has its year
        return []
    sentences = _sentences(text)
    found: dict[tuple[Hashable, PreciseDate], DateMentioned] = {}
    for match in _DATE.finditer(text):
        when = _precise_date(match)
        if when is None or (said_on and when.latest < said_on):
            continue
        sentence = next(s for s in sentences if s[0] <= match.start() < s[1])
        near = [o for o in names if sentence[0] <= o.start < sentence[1]]
        if not near:
            continue
        name = min(near, key=lambda o: max(o.start - match.end(), match.start() - o.end))
        start = min(name.start, match.start())
        # The kind may be said just before the name: "withdrawal from the JCPOA takes effect in March 2026".
        clause = text[max(sentence[0], start - _LEAD_IN):max(name.end, match.end())]
        found.setdefault((name.treaties[0], when),
                         DateMentioned(name.treaties[0], when, _kind(clause), _phrase(text, name, match)))
    return list(found.values())


def _precise_date(match: re.Match) -> PreciseDate | None:
    groups = match.groupdict()
    if groups["year4"] and not groups["prep"]:
        return None  # a bare year is too often something else: "the 2010 treaty", "2031 warheads"
    year = int(next(groups[f"year{n}"] for n in range(1, 5) if groups[f"year{n}"]))
    month_name = groups["month1"] or groups["month2"] or groups["month3"]
    day = groups["day1"] or groups["day2"]
    try:
        if day:
            return PreciseDate(dt.date(year, _month(month_name), int(day)), Precision.DAY)
        if month_name:
            return PreciseDate(dt.date(year, _month(month_name), 1), Precision.MONTH)
        return PreciseDate(dt.date(year, 1, 1), Precision.YEAR)
    except ValueError:  # 31 February
        return None


def _month(name: str) -> int:
    return next(number for pattern, number in _MONTH_NUMBER if pattern.match(name))


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        spans.append((start, end.end()))
        start = end.end()
    spans.append((start, len(text) + 1))
    return spans


def _phrase(text: str, name: Occurrence, date: re.Match) -> str:
    start, end = min(name.start, date.start()), max(name.end, date.end())
    phrase = " ".join(text[start:end].split())
    return phrase if len(phrase) <= _LONGEST_PHRASE else " ".join(date.group().split())


def _kind(phrase: str) -> DeadlineKind:
    return next((kind for kind, words in _KIND_WORDS if words.search(phrase)), DeadlineKind.OTHER)
