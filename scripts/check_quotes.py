"""Check every shipped statement's quote word for word against a saved copy of its page.

    python scripts/check_quotes.py SAVED_PAGES_FOLDER

The folder holds one saved copy per page, named by the page's URL with every character that is not a letter,
digit, dot or hyphen replaced by "_" (https://tass.com/politics/1608067 -> https___tass.com_politics_1608067),
as .html or .txt. Tags and runs of white space are ignored, and curly and straight quotes and apostrophes read
the same; anything else must match. Prints each statement as matched, differing or not saved, and exits 1 if a
saved page does not carry its quote. It reads nothing outside the repository but the folder it is given.
"""

import html
import json
import re
import sys
from pathlib import Path

DATASET = Path(__file__).resolve().parent.parent / "treaties" / "data" / "reference.json"
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def saved_name(url: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "_", url)


def plain(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def main(folder: Path) -> int:
    statements = json.loads(DATASET.read_text(encoding="utf-8"))["statements"]
    differing = 0
    for statement in statements:
        copies = [folder / (saved_name(statement["url"]) + ext) for ext in (".html", ".txt")]
        copy = next((c for c in copies if c.exists()), None)
        if copy is None:
            print(f"not saved  {statement['url']}")
            continue
        found = plain(statement["quote"]) in plain(copy.read_text(encoding="utf-8", errors="replace"))
        differing += not found
        print(f"{'matched   ' if found else 'DIFFERS   '} {statement['url']}")
    return 1 if differing else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
